# `cmake --install build --prefix P`: the public headers, the library, the CLI, the CMake
# package (nmfkit::nmfkit through find_package(nmfkit CONFIG)), nmfkit.pc for pkg-config,
# and the Python package where it is built. Components: runtime (the shared library),
# development (headers, static library or the .so link, CMake and pkg-config files),
# cli and python; the Debian packages are made of the first three (cmake/packaging.cmake).

include(CMakePackageConfigHelpers)

set(NMFKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nmfkit)
set(NMFKIT_PYTHON_INSTALL_DIR lib/python3/dist-packages CACHE STRING
    "Where the Python package nmfkit is installed, relative to the prefix (Debian's layout)")
get_target_property(NMFKIT_LIBRARY_TYPE nmfkit TYPE)
if(NMFKIT_LIBRARY_TYPE STREQUAL "SHARED_LIBRARY")
  set(NMFKIT_SHARED ON)
else()
  set(NMFKIT_SHARED OFF)
endif()

# Installed programs find a shared libnmfkit relative to themselves, so any prefix works;
# a Debian package, whose library is in a system folder, turns this off (no RPATH there).
option(NMFKIT_INSTALL_RPATH "Installed programs find the shared library by a relative RPATH" ON)
function(nmfkit_relative_rpath target destination)
  if(NMFKIT_SHARED AND NMFKIT_INSTALL_RPATH)
    file(RELATIVE_PATH to_lib /${destination} /${CMAKE_INSTALL_LIBDIR})
    set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/${to_lib}")
  endif()
endfunction()

# Public headers: include/nmfkit/ and the generated nmfkit/version.hpp; nothing from src/.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/nmfkit
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/nmfkit/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nmfkit COMPONENT development)

install(TARGETS nmfkit EXPORT nmfkitTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
                NAMELINK_COMPONENT development
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development)
install(EXPORT nmfkitTargets NAMESPACE nmfkit:: DESTINATION ${NMFKIT_CMAKE_DIR}
        COMPONENT development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/nmfkitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/nmfkitConfig.cmake INSTALL_DESTINATION ${NMFKIT_CMAKE_DIR})
# 0.x releases may break the API at each minor version.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/nmfkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/nmfkitConfig.cmake
              ${PROJECT_BINARY_DIR}/package/nmfkitConfigVersion.cmake
        DESTINATION ${NMFKIT_CMAKE_DIR} COMPONENT development)

# nmfkit.pc. The libraries the static archive calls are link flags of their own (-lz, ...),
# not Requires of their .pc files, which would drag in the flags for linking *their* static
# archives (Debian ships them without most of those). A static libnmfkit always needs them
# (Libs); a shared one only for a fully static link (Libs.private).
function(nmfkit_link_flags out)
  set(flags)
  foreach(library IN LISTS ARGN)
    get_filename_component(dir ${library} DIRECTORY)
    get_filename_component(name ${library} NAME_WE)
    string(REGEX REPLACE "^lib" "" name ${name})
    if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
      list(APPEND flags -L${dir})
    endif()
    list(APPEND flags -l${name})
  endforeach()
  list(REMOVE_DUPLICATES flags)
  list(JOIN flags " " joined)
  set(${out} ${joined} PARENT_SCOPE)
endfunction()
set(NMFKIT_MPI_LIBRARIES)
if(NMFKIT_WITH_MPI)
  set(NMFKIT_MPI_LIBRARIES ${MPI_CXX_LIBRARIES})
endif()
nmfkit_link_flags(NMFKIT_PC_DEPENDENCY_LIBS ${ZLIB_LIBRARIES} ${LibArchive_LIBRARIES}
                  ${IGRAPH_LIBRARY} ${HDF5_C_LIBRARIES} ${NMFKIT_MPI_LIBRARIES})
if(NMFKIT_SHARED)
  set(NMFKIT_PC_LIBS "")
  set(NMFKIT_PC_LIBS_PRIVATE "${NMFKIT_PC_DEPENDENCY_LIBS}")
else()
  set(NMFKIT_PC_LIBS "${NMFKIT_PC_DEPENDENCY_LIBS}")
  set(NMFKIT_PC_LIBS_PRIVATE "")
endif()
# The prefix is the one given at install time (cmake --install --prefix), so the file is
# written then.
install(CODE "
  set(NMFKIT_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(NMFKIT_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(NMFKIT_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(NMFKIT_PC_VERSION \"${PROJECT_VERSION}\")
  set(NMFKIT_PC_OPENMP_FLAGS \"${OpenMP_CXX_FLAGS}\")
  set(NMFKIT_PC_LIBS \"${NMFKIT_PC_LIBS}\")
  set(NMFKIT_PC_LIBS_PRIVATE \"${NMFKIT_PC_LIBS_PRIVATE}\")
  configure_file(\"${CMAKE_CURRENT_LIST_DIR}/nmfkit.pc.in\"
                 \"${PROJECT_BINARY_DIR}/package/nmfkit.pc\" @ONLY)"
  COMPONENT development)
install(FILES ${PROJECT_BINARY_DIR}/package/nmfkit.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT development)

if(TARGET nmfkit_cli)
  install(TARGETS nmfkit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
  nmfkit_relative_rpath(nmfkit_cli ${CMAKE_INSTALL_BINDIR})
endif()

if(TARGET _nmfkit)
  install(TARGETS _nmfkit LIBRARY DESTINATION ${NMFKIT_PYTHON_INSTALL_DIR}/nmfkit
          COMPONENT python)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/nmfkit/
          DESTINATION ${NMFKIT_PYTHON_INSTALL_DIR}/nmfkit COMPONENT python
          FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
  nmfkit_relative_rpath(_nmfkit ${NMFKIT_PYTHON_INSTALL_DIR}/nmfkit)
endif()
