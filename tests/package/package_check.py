"""The installed package, as a user of the C++ library meets it (issue 21).

  install   `cmake --install BUILD --prefix PREFIX`; the prefix holds exactly the expected
            files, `nmfkit --version` prints the version, a shared library has its SONAME
  headers   every installed public header compiles alone, with pkg-config's flags only
  consumer  examples/cpp built against PREFIX with find_package (--with cmake) or pkg-config
            (--with pkg-config); on a small file it prints the same error as `nmfkit fit`

CTest runs `install` first (a fixture), then the others in parallel with the rest of the suite.
"""

import argparse
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import scipy.io
import scipy.sparse


def fail(message):
    print(f"package_check: {message}", file=sys.stderr)
    sys.exit(1)


def run(command, env=None, cwd=None):
    """Runs a command; on failure prints it with its output and stops."""
    merged = dict(os.environ, **(env or {}))
    done = subprocess.run(command, env=merged, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"`{' '.join(map(str, command))}` exited with {done.returncode}:\n"
             f"{done.stdout}{done.stderr}")
    return done.stdout


def files_under(root):
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}


def expected_files(args, source):
    include = source / "include"
    expected = {p.relative_to(include).as_posix() for p in (include / "nmfkit").rglob("*.hpp")}
    expected = {f"include/{name}" for name in expected | {"nmfkit/version.hpp"}}
    lib = args.libdir
    if args.shared:
        expected |= {f"{lib}/libnmfkit.so", f"{lib}/libnmfkit.so.{args.abi}",
                     f"{lib}/libnmfkit.so.{args.version}"}
    else:
        expected.add(f"{lib}/libnmfkit.a")
    expected |= {f"{lib}/cmake/nmfkit/{name}" for name in (
        "nmfkitConfig.cmake", "nmfkitConfigVersion.cmake", "nmfkitTargets.cmake",
        f"nmfkitTargets-{args.build_type.lower()}.cmake")}
    expected |= {f"{lib}/pkgconfig/nmfkit.pc", "bin/nmfkit"}
    if args.python_dir:
        expected |= {f"{args.python_dir}/nmfkit/{p.name}"
                     for p in (source / "python" / "nmfkit").glob("*.py")}
    return expected


def check_install(args):
    prefix = pathlib.Path(args.prefix)
    source = pathlib.Path(args.source)
    shutil.rmtree(prefix, ignore_errors=True)
    run(["cmake", "--install", args.build, "--prefix", prefix])

    installed = files_under(prefix)
    expected = expected_files(args, source)
    # The extension module's name carries the interpreter's tag (_nmfkit.cpython-311-...so).
    module = re.compile(rf"{re.escape(args.python_dir)}/nmfkit/_nmfkit\..*so$") \
        if args.python_dir else None
    modules = {name for name in installed if module and module.match(name)}
    if args.python_dir and len(modules) != 1:
        fail(f"expected one Python extension module in {args.python_dir}/nmfkit, got {modules}")
    missing = sorted(expected - installed)
    extra = sorted(installed - expected - modules)
    if missing or extra:
        fail(f"installed files differ from the expected ones:\n  missing {missing}\n"
             f"  unexpected {extra}")

    version = run([prefix / "bin" / "nmfkit", "--version"]).strip()
    if version != f"nmfkit {args.version}":
        fail(f"nmfkit --version printed '{version}', expected 'nmfkit {args.version}'")
    if args.shared:
        dynamic = run(["readelf", "-d", prefix / args.libdir / f"libnmfkit.so.{args.version}"])
        soname = re.search(r"\(SONAME\)\s+Library soname: \[(.*)\]", dynamic)
        if not soname or soname.group(1) != f"libnmfkit.so.{args.abi}":
            fail(f"the shared library's SONAME is {soname and soname.group(1)}, "
                 f"expected libnmfkit.so.{args.abi}")
    if args.python_dir:
        where = run([sys.executable, "-c", "import nmfkit; print(nmfkit.__file__)"],
                    env={"PYTHONPATH": str(prefix / args.python_dir)}).strip()
        if not where.startswith(str(prefix)):
            fail(f"import nmfkit found {where}, not the installed package")
    print(f"installed {len(installed)} files into {prefix}; {version}")


def pkg_config_env(args):
    return {"PKG_CONFIG_PATH": str(pathlib.Path(args.prefix) / args.libdir / "pkgconfig")}


def check_headers(args):
    """Each header compiles on its own (and twice over) with only pkg-config's flags."""
    prefix = pathlib.Path(args.prefix)
    flags = run(["pkg-config", "--cflags", "nmfkit"], env=pkg_config_env(args)).split()
    headers = sorted((prefix / "include").rglob("*.hpp"))
    if not headers:
        fail(f"no headers under {prefix}/include")

    def compile_alone(header):
        name = header.relative_to(prefix / "include").as_posix()
        unit = f"#include <{name}>\n#include <{name}>\n"
        done = subprocess.run([args.cxx, "-std=c++20", "-fsyntax-only", *flags, "-x", "c++", "-"],
                              input=unit, capture_output=True, text=True)
        return name, done.returncode, done.stderr

    workers = os.cpu_count() or 1
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(compile_alone, headers))
    failed = [(name, err) for name, rc, err in results if rc != 0]
    for name, err in failed:
        print(f"--- {name} does not compile alone:\n{err}", file=sys.stderr)
    if failed:
        fail(f"{len(failed)} of {len(headers)} public headers do not compile alone")
    print(f"{len(headers)} public headers compile alone with `pkg-config --cflags nmfkit`")


def write_matrix(path):
    """A small non-negative matrix of rank about 4 plus noise, as .npy or .mtx."""
    rng = np.random.default_rng(21)
    X = rng.random((40, 4)) @ rng.random((4, 30)) + 0.05 * rng.random((40, 30))
    if path.suffix == ".npy":
        np.save(path, X)
    else:
        X[X < 0.6] = 0  # a sparse file
        scipy.io.mmwrite(str(path), scipy.sparse.coo_matrix(X))


ERROR = re.compile(r"reconstruction error (\S+)")
ITERATIONS = re.compile(r"after (\d+) iterations")


def check_consumer(args):
    prefix = pathlib.Path(args.prefix)
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    example = pathlib.Path(args.source) / "examples" / "cpp"
    launcher = [args.launcher] if args.launcher else []

    if args.mode == "cmake":
        data = work / "X.npy"
        build = work / "build"
        configure = ["cmake", "-S", example, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}",
                     "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_CXX_COMPILER={args.cxx}"]
        if args.launcher:
            configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={args.launcher}")
        run(configure)
        found = re.search(r"^nmfkit_DIR:PATH=(.*)$", (build / "CMakeCache.txt").read_text(),
                          re.MULTILINE)
        if not found or not found.group(1).startswith(str(prefix)):
            fail(f"find_package found nmfkit at {found and found.group(1)}, not in {prefix}")
        run(["cmake", "--build", build])
        program, run_env = build / "fit_file", {}
    else:
        data = work / "X.mtx"
        env = pkg_config_env(args)
        where = run(["pkg-config", "--variable=prefix", "nmfkit"], env=env).strip()
        if where != str(prefix):
            fail(f"pkg-config's nmfkit.pc has prefix {where}, expected {prefix}")
        run(["make", "-C", work, "-f", example / "Makefile",
             f"CXX={' '.join(launcher + [args.cxx])}"], env=env)
        # A program linked by flags alone finds a shared libnmfkit by the loader's path.
        program = work / "fit_file"
        run_env = {"LD_LIBRARY_PATH": str(prefix / args.libdir)} if args.shared else {}

    write_matrix(data)
    k, seed, solver = "4", "7", "cd"
    mine = run([program, data, k, seed, solver], env=run_env)
    cli = run([prefix / "bin" / "nmfkit", "fit", data, "--k", k, "--seed", seed, "--solver",
               solver, "--out", work / "cli-model"])
    print(mine, end="")
    for what, pattern in (("reconstruction error", ERROR), ("iterations", ITERATIONS)):
        mine_value, cli_value = pattern.search(mine), pattern.search(cli)
        if not mine_value or not cli_value:
            fail(f"no {what} in the outputs:\n{mine}\n{cli}")
        if mine_value.group(1) != cli_value.group(1):
            fail(f"the example printed {what} {mine_value.group(1)}, nmfkit fit "
                 f"{cli_value.group(1)}:\n{mine}\n{cli}")
    print(f"the {args.mode} consumer and nmfkit fit agree: error {ERROR.search(mine).group(1)}, "
          f"{ITERATIONS.search(mine).group(1)} iterations")

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["install", "headers", "consumer"])
    parser.add_argument("--build", help="the build folder to install")
    parser.add_argument("--source", required=True, help="the source folder")
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--libdir", default="lib", help="CMAKE_INSTALL_LIBDIR")
    parser.add_argument("--python-dir", default="", help="the Python package's folder, if built")
    parser.add_argument("--version", required=True)
    parser.add_argument("--abi", default="0", help="the SONAME's number")
    parser.add_argument("--shared", type=int, default=0)
    parser.add_argument("--build-type", default="Release")
    parser.add_argument("--cxx", default="c++")
    parser.add_argument("--launcher", default="", help="compiler launcher such as ccache")
    parser.add_argument("--mode", choices=["cmake", "pkg-config"])
    parser.add_argument("--work", help="folder for the consumer's build and data")
    args = parser.parse_args()
    {"install": check_install, "headers": check_headers, "consumer": check_consumer}[args.step](args)


if __name__ == "__main__":
    main()
