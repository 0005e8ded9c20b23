"""Builds the nmfkit Python package: the _nmfkit extension by CMake, the package from python/.

`pip install --no-build-isolation .` runs this through setuptools' PEP 517 backend. CMake
configures (once) and builds only the `_nmfkit` target, in Release, through ccache when it is
installed; the extension is then copied into the wheel beside python/nmfkit/*.py.

NMFKIT_CMAKE_BUILD_DIR names an existing CMake build folder to build in (the test suite
passes its own, so nothing is compiled twice); without it the build folder is
build/python-package/ in the source tree.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SOURCE = pathlib.Path(__file__).resolve().parent


def project_version() -> str:
    """The version in CMakeLists.txt's project() line: one place for the C++ and Python."""
    text = (SOURCE / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*nmfkit\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        sys.exit("setup.py: no `project(nmfkit VERSION x.y.z` in CMakeLists.txt")
    return match.group(1)


def cache_value(cache: pathlib.Path, name: str) -> str:
    for line in cache.read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    return ""


class CMakeExtension(Extension):
    """An extension CMake builds; setuptools only places the result."""

    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        given = os.environ.get("NMFKIT_CMAKE_BUILD_DIR")
        build_dir = pathlib.Path(given).resolve() if given else SOURCE / "build" / "python-package"
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("building nmfkit needs cmake (Debian: scripts/install-deps.sh)")
        cache = build_dir / "CMakeCache.txt"
        if not cache.exists():
            # A folder of our own: only what the module needs, for this interpreter.
            configure = [cmake, "-S", str(SOURCE), "-B", str(build_dir),
                         "-DCMAKE_BUILD_TYPE=Release", "-DNMFKIT_BUILD_PYTHON=ON",
                         "-DNMFKIT_BUILD_TESTS=OFF", "-DNMFKIT_BUILD_CLI=OFF",
                         f"-DNMFKIT_PYTHON={sys.executable}"]
            if shutil.which("ccache"):
                configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
            subprocess.run(configure, check=True)
        elif cache_value(cache, "BUILD_SHARED_LIBS").upper() in ("ON", "TRUE", "1", "YES"):
            # The extension would load libnmfkit.so from that folder, which the wheel lacks.
            raise RuntimeError(f"NMFKIT_CMAKE_BUILD_DIR {build_dir} builds a shared libnmfkit; "
                               "the wheel needs the static library (BUILD_SHARED_LIBS=OFF)")
        command = [cmake, "--build", str(build_dir), "--target", "_nmfkit"]
        if "CMAKE_BUILD_PARALLEL_LEVEL" not in os.environ:
            command += ["--parallel", str(os.cpu_count() or 1)]
        subprocess.run(command, check=True)

        # The extension for this interpreter's ABI, as CMake named it.
        name = "_nmfkit" + sysconfig.get_config_var("EXT_SUFFIX")
        built = build_dir / "python" / "nmfkit" / name
        if not built.is_file():
            found = sorted(p.name for p in (build_dir / "python" / "nmfkit").glob("_nmfkit*"))
            raise RuntimeError(f"CMake built {found or 'no extension'} in {built.parent}, not "
                               f"{name}: the build folder is for another Python")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


# setuptools' own staging (and the egg-info pip asks for) go under build/ too, not beside the
# sources.
STAGING = SOURCE / "build" / "python-package" / "setuptools"
STAGING.mkdir(parents=True, exist_ok=True)

setup(
    version=project_version(),
    options={"build": {"build_base": str(STAGING)}, "egg_info": {"egg_base": str(STAGING)}},
    packages=["nmfkit"],
    package_dir={"nmfkit": "python/nmfkit"},
    ext_modules=[CMakeExtension("nmfkit._nmfkit")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
