#!/usr/bin/env bash
# Runs the CI-size sweeps (conf/ci-*.yaml, seconds each) into OUT and executes every notebook
# headless against them; fails on the first error in a sweep, an analysis or a notebook cell.
#
#   notebooks/run-all.sh OUT            executed copies go to OUT/notebooks/ (the committed ones stay as they are)
#   notebooks/run-all.sh OUT --inplace  re-execute the committed notebooks themselves on OUT
#
# Needs Debian's python3-nbconvert, python3-ipykernel, python3-pandas, python3-matplotlib (run with
# /usr/bin/python3: a python3 earlier on PATH may lack them) and the Fashion-MNIST files of
# dataset-fashion-mnist for conf/ci-labels.yaml.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: notebooks/run-all.sh OUT [--inplace]" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
INPLACE="${2:-}"
PY="${NOTEBOOK_PYTHON:-/usr/bin/python3}"

for sweep in ci-figure1 ci-threshold ci-labels ci-extensions; do
  echo "== sweep $sweep" >&2
  "$ROOT/bin/sweep" run "$ROOT/conf/$sweep.yaml" --out "$OUT"
done

echo "== search ci-threshold-scale" >&2
"$ROOT/bin/sweep" search "$ROOT/conf/ci-threshold-scale.yaml" --criterion lemma --rounds 1 --out "$OUT"

export SWEEP_OUT="$OUT" SWEEP_BIN="$ROOT/bin/sweep" SWEEP_NO_BUILD=1
export FIGURE1_SWEEP=ci-figure1 KERNEL_SWEEP=ci-figure1 THRESHOLD_SWEEP=ci-threshold LABELS_SWEEP=ci-labels
export EXT_SWEEP=ci-extensions EXT_SKIP_RUN=1 SCALE_SWEEP=ci-threshold-scale
export THRESHOLD_CRITERION="${THRESHOLD_CRITERION:-lemma}"
export PYDEVD_DISABLE_FILE_VALIDATION=1

mkdir -p "$OUT/notebooks"
for nb in du2019-figure1 width-threshold width-threshold-scale kernel-regime extensions; do
  echo "== notebook $nb" >&2
  if [ "$INPLACE" = "--inplace" ]; then
    target=(--inplace)
  else
    target=(--output-dir "$OUT/notebooks")
  fi
  (cd "$ROOT/notebooks" && "$PY" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=900 \
      "${target[@]}" "$nb.ipynb")
done
echo "notebooks executed against $OUT" >&2
