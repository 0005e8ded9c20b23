# Debian packages through CPack, from a shared-library build (scripts/package-deb.sh):
#   libnmfkit0     the shared library (libnmfkit.so.0, named by its SONAME as Debian does)
#   libnmfkit-dev  headers, libnmfkit.so, the CMake package and nmfkit.pc
#   nmfkit         the command-line tool
# Run-time dependencies come from dpkg-shlibdeps; the -dev package adds Eigen's headers,
# which the public headers include.
if(NOT NMFKIT_SHARED)
  return()
endif()

set(NMFKIT_PACKAGE_CONTACT "nmfkit maintainers" CACHE STRING
    "Maintainer field of the Debian packages")

set(CPACK_PACKAGE_NAME nmfkit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${NMFKIT_PACKAGE_CONTACT}")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install with DESTDIR, so that the prefix written into nmfkit.pc is /usr, not the staging folder.
set(CPACK_SET_DESTDIR ON)
set(CPACK_COMPONENTS_ALL runtime development cli)

set(CPACK_DEB_COMPONENT_INSTALL ON)
# libnmfkit-dev and nmfkit depend on libnmfkit0 of the same version (cpack_add_component DEPENDS).
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps finds libnmfkit.so.0, which the CLI needs, in the build folder.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR})

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libnmfkit${NMFKIT_ABI_VERSION})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# A shlibs file, so that packages built against libnmfkit get their dependency on it.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libnmfkit-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libeigen3-dev (>= 3.4)")
set(CPACK_DEBIAN_CLI_PACKAGE_NAME nmfkit)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION science)

# The first line of each description is the package's synopsis.
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "non-negative matrix factorisation library (shared library)
nmfkit factorises non-negative matrices (NMF) with scikit-learn's semantics and fast solvers
of its own, and builds topic models of text. This package holds the shared library.")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "non-negative matrix factorisation library (development files)
nmfkit factorises non-negative matrices (NMF) with scikit-learn's semantics and fast solvers
of its own, and builds topic models of text. This package holds the C++20 headers, the CMake
package (find_package(nmfkit)) and the pkg-config file.")
set(CPACK_DEBIAN_CLI_DESCRIPTION "non-negative matrix factorisation and topic models
nmfkit factorises non-negative matrices (NMF) with scikit-learn's semantics and fast solvers
of its own, and builds topic models of text. This package holds the command-line tool.")

include(CPack)
cpack_add_component(runtime)
cpack_add_component(development DEPENDS runtime)
cpack_add_component(cli DEPENDS runtime)
