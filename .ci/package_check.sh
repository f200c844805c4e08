#!/usr/bin/env bash
# rnnlab as a user gets it: build the sdist and the wheel (isolated, as `python -m build` does for a release),
# check them with twine and for every package file, install the wheel into a fresh venv away from the source
# tree (with CPU torch, and Keras on JAX as rnnlab's default Keras backend), load every shipped table and corpus
# from it, and run notebook 01's handout under nbval, its Colab set-up cell installing the wheel.
# A file missing from the package data, or a module that only imports from the source tree, fails here.
# Usage: .ci/package_check.sh   (PYTHON: the dev venv's python, default .venv/bin/python; TORCH, JAX: the specs)
set -euo pipefail
# a relative PYTHON (the Makefile passes .venv/bin/python) is taken from the caller's directory: this script changes
# directory several times
if [[ -n "${PYTHON:-}" && "$PYTHON" == */* && "$PYTHON" != /* ]]; then PYTHON="$PWD/$PYTHON"; fi
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
TORCH=${TORCH:-$(grep -m1 '^torch==' .ci/pins.txt)}
JAX=${JAX:-$(grep -m1 '^jax\[cpu\]==' .ci/pins.txt)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

"$PYTHON" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
"$PYTHON" -m twine check --strict "$WORK"/dist/*
RNNLAB_DIST_DIR="$WORK/dist" "$PYTHON" -m pytest -q -p no:cacheprovider "$ROOT/tests/test_packaging.py" -k archives

echo "built and checked in $(( $(date +%s) - start )) s"

"$PYTHON" -m venv "$WORK/venv"
WHEEL=$(echo "$WORK"/dist/rnnlab-*.whl)
# the wheel with its torch and keras extras (pinned as in the Makefile), ipywidgets as on Colab, nbval to run it
"$WORK/venv/bin/pip" install --no-compile "$WHEEL[torch,keras]" "$TORCH" "$JAX" "ipywidgets>=7.7" nbval >"$WORK/pip.log" 2>&1 \
    || { grep -v "is ignored" "$WORK/pip.log" | tail -40; exit 1; }
echo "fresh venv with the wheel, $TORCH and Keras on $JAX after $(( $(date +%s) - start )) s"
mkdir "$WORK/run"
cd "$WORK/run"
"$WORK/venv/bin/python" - "$ROOT" <<'PY'
import sys
from pathlib import Path

import rnnlab
from rnnlab import tables, text

root = Path(sys.argv[1])
where = Path(rnnlab.__file__).resolve()
assert "site-packages" in where.parts and root not in where.parents, f"rnnlab imported from {where}"
for name in tables.TABLES:
    assert len(tables.load(name)) > 0, name
for name in text.CORPORA:
    assert len(text.load_text(name)) > 0, name
print(f"installed rnnlab {rnnlab.__version__} from {where.parent}: tables {list(tables.TABLES)} and corpora "
      f"{list(text.CORPORA)} load")
PY
"$WORK/venv/bin/rnnlab" info >"$WORK/info.txt"
head -1 "$WORK/info.txt"

# Notebook 01's handout as Colab runs it: built with `rnnlab student --install WHEEL`, its set-up cell sees
# google.colab (an IPython start-up file fakes the module until the set-up cell has run, since Keras would use
# the real one) and installs rnnlab itself with its own pip block, with rnnlab uninstalled first; then every
# cell runs under nbval against what that line installed.
"$WORK/venv/bin/pip" uninstall --yes --quiet rnnlab
"$PYTHON" -m rnnlab student "$ROOT/notebooks/01_rnn_concepts.ipynb" --out "$WORK/run" --install "$WHEEL" >/dev/null
cp "$ROOT/notebooks/nbval_sanitize.cfg" "$WORK/run/"
mkdir -p "$WORK/ipython/profile_default/startup"
cat >"$WORK/ipython/profile_default/startup/00-colab.py" <<'PY'
import sys
import types

sys.modules["google.colab"] = types.ModuleType("google.colab")


def _after_setup_cell(result):
    if "google.colab" in (result.info.raw_cell or ""):
        del sys.modules["google.colab"]
        get_ipython().events.unregister("post_run_cell", _after_setup_cell)


get_ipython().events.register("post_run_cell", _after_setup_cell)
PY
IPYTHONDIR="$WORK/ipython" PATH="$WORK/venv/bin:$PATH" OMP_NUM_THREADS=1 "$WORK/venv/bin/python" -m pytest -q \
    -p no:cacheprovider --nbval-lax --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg 01_rnn_concepts.ipynb
"$WORK/venv/bin/pip" show rnnlab >/dev/null || { echo "the handout's set-up cell did not install rnnlab"; exit 1; }
echo "package check passed in $(( $(date +%s) - start )) s"
