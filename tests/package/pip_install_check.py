"""`pip install .` as a Python user meets it (issue 20): a fresh venv that sees Debian's
packages, the package installed offline with the build backend from Debian, and the
installed nmfkit, imported from another folder, fits the same numbers as the in-tree module.

    pip_install_check.py --source SRC --build BUILD --work DIR --python PY

BUILD is the suite's own CMake build folder, passed to setup.py as NMFKIT_CMAKE_BUILD_DIR,
so that the install compiles nothing again; BUILD/python holds the in-tree module.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys

# The same small fit in both interpreters; its numbers come back as JSON.
FIT = """
import json, sys
import numpy as np
import nmfkit
X = np.abs(np.random.RandomState(0).randn(30, 12))
model = nmfkit.NMF(n_components=3, init="nndsvda", solver="cd", random_state=1, max_iter=300)
W = model.fit_transform(X)
print(json.dumps({"file": nmfkit.__file__, "version": nmfkit.__version__,
                  "W": W.tolist(), "H": model.components_.tolist(),
                  "error": model.reconstruction_err_}))
"""


def fail(message):
    print(f"pip_install_check: {message}", file=sys.stderr)
    sys.exit(1)


def run(command, env, cwd):
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"`{' '.join(map(str, command))}` exited with {done.returncode}:\n"
             f"{done.stdout}{done.stderr}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, type=pathlib.Path)
    parser.add_argument("--build", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--python", default="/usr/bin/python3")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    venv = args.work / "venv"
    elsewhere = args.work / "elsewhere"
    elsewhere.mkdir()
    # Nothing of the caller's reaches the install or the import: no PYTHONPATH, no index.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    run([args.python, "-m", "venv", "--system-site-packages", str(venv)], env, elsewhere)
    python = venv / "bin" / "python"
    install_env = dict(env, NMFKIT_CMAKE_BUILD_DIR=str(args.build), PIP_NO_INDEX="1",
                       PIP_DISABLE_PIP_VERSION_CHECK="1")
    run([python, "-m", "pip", "install", "--no-build-isolation", str(args.source)],
        install_env, elsewhere)

    installed = json.loads(run([python, "-c", FIT], env, elsewhere))
    site = pathlib.Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            env, elsewhere).strip())
    if pathlib.Path(installed["file"]).parent != site / "nmfkit":
        fail(f"nmfkit was imported from {installed['file']}, not from the venv's {site}")
    in_tree = json.loads(run([args.python, "-c", FIT],
                             dict(env, PYTHONPATH=str(args.build / "python")), elsewhere))
    if installed["version"] != in_tree["version"]:
        fail(f"installed version {installed['version']} != in-tree {in_tree['version']}")
    for key in ("W", "H", "error"):
        if installed[key] != in_tree[key]:
            fail(f"the installed package's {key} differs from the in-tree module's")
    metadata = run([python, "-m", "pip", "show", "nmfkit"], env, elsewhere)
    if f"Version: {in_tree['version']}" not in metadata:
        fail(f"pip show does not give version {in_tree['version']}:\n{metadata}")
    print(f"pip_install_check: nmfkit {installed['version']} installed into {venv} "
          f"and fits as the in-tree module (error {installed['error']:.6g})")


if __name__ == "__main__":
    main()
