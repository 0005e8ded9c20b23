#!/usr/bin/env bash
# Debian packages of nmfkit (cmake/packaging.cmake): libnmfkit0 (the shared library),
# libnmfkit-dev (headers, CMake package, nmfkit.pc) and nmfkit (the command-line tool).
#
#   scripts/package-deb.sh                builds them in build-deb/ and checks their contents
#   scripts/package-deb.sh --try-install  also installs them with apt-get, builds examples/cpp
#                                         against /usr (find_package and pkg-config), runs it,
#                                         and removes the packages again (needs root)
#
# The build is its own (shared library, no tests, no Python, no RPATH); JOBS sets its -j.
set -euo pipefail
cd "$(dirname "$0")/.."
try_install=0
case "${1:-}" in
  --try-install) try_install=1 ;;
  "") ;;
  *) echo "usage: $0 [--try-install]" >&2; exit 2 ;;
esac

scripts/install-deps.sh
build=build-deb
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DBUILD_SHARED_LIBS=ON -DNMFKIT_INSTALL_RPATH=OFF \
  -DNMFKIT_BUILD_TESTS=OFF -DNMFKIT_BUILD_PYTHON=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"${JOBS:-$(nproc)}" >/dev/null
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB >/dev/null)

# Each package holds exactly these files (symbolic links included, folders not).
version=$(sed -n 's/^project(nmfkit VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
abi=$(sed -n 's/^set(NMFKIT_ABI_VERSION \([0-9]*\))/\1/p' CMakeLists.txt)
libdir=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
expected_runtime="$libdir/libnmfkit.so.$abi
$libdir/libnmfkit.so.$version"
expected_development="$( (cd include && find nmfkit -name '*.hpp' | sed 's|^|usr/include/|'
  echo usr/include/nmfkit/version.hpp
  for f in nmfkitConfig.cmake nmfkitConfigVersion.cmake nmfkitTargets.cmake \
           nmfkitTargets-release.cmake; do echo "$libdir/cmake/nmfkit/$f"; done
  echo "$libdir/libnmfkit.so"
  echo "$libdir/pkgconfig/nmfkit.pc") | sort)"
expected_cli="usr/bin/nmfkit"

check() {  # check PACKAGE EXPECTED-FILES
  local deb
  deb=$(ls "$build/$1"_*.deb)
  echo "== $deb"
  dpkg-deb --field "$deb" Package Version Architecture Depends Section
  dpkg-deb --contents "$deb" | grep -v '^d' | awk '{print $6}' | sed 's|^\./||' | sort \
    > "$build/$1.contents"
  if ! diff -u <(echo "$2" | sort) "$build/$1.contents"; then
    echo "package-deb: $1 does not hold exactly the expected files (diff above)" >&2
    exit 1
  fi
  echo "files: $(wc -l < "$build/$1.contents") as expected"
}
check "libnmfkit$abi" "$expected_runtime"
check libnmfkit-dev "$expected_development"
check nmfkit "$expected_cli"

if [ "$try_install" = 1 ]; then
  apt-get install -y -qq "./$build/libnmfkit${abi}_${version}"_*.deb \
    "./$build/libnmfkit-dev_${version}"_*.deb "./$build/nmfkit_${version}"_*.deb >/dev/null
  trap 'apt-get purge -y -qq nmfkit libnmfkit-dev "libnmfkit$abi" >/dev/null' EXIT
  nmfkit --version
  work=$(mktemp -d)
  /usr/bin/python3 -c "import numpy as np; rng = np.random.default_rng(21);
np.save('$work/X.npy', rng.random((40, 4)) @ rng.random((4, 30)))"
  cmake -S examples/cpp -B "$work/cmake" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$work/cmake" >/dev/null
  make -s -C "$work" -f "$PWD/examples/cpp/Makefile"
  "$work/cmake/fit_file" "$work/X.npy" 4 7 cd
  "$work/fit_file" "$work/X.npy" 4 7 cd
  nmfkit fit "$work/X.npy" --k 4 --seed 7 --solver cd --out "$work/model" | grep "error"
  rm -rf "$work"
fi
