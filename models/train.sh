#!/usr/bin/env bash
# Full pipeline: venv -> real-scene split check -> face crops (TS vision package: close-up sets and real scenes) ->
# detector recall on real scenes -> backbone check -> train cnn and mobilenetv2 (early stopping on the real
# validation part) -> ONNX export + int8 + parity -> calibration (real validation part) -> report (real test part).
# Flags go to both training runs, e.g. --epochs 10, --smoke.
# --smoke writes everything under models/.cache/smoke/ instead of the committed files, on a few photos.
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$models/setup.sh"
cd "$models"
py="$models/.venv/bin/python"
out="$models"
smoke=()
for a in "$@"; do [[ "$a" == "--smoke" ]] && out="$models/.cache/smoke" && smoke=(--smoke); done
mkdir -p "$out/runs" "$out/report"
echo "== real-scene split (models/splits/ilc2021.tsv, committed: checked against the data, never redrawn)" >&2
"$py" -m maskwatch_models.realsplit
echo "== crops" >&2
"$py" -m maskwatch_models.crops
"$py" -m maskwatch_models.realcrops "${smoke[@]}"
echo "== detector recall on real scenes" >&2
"$py" -m maskwatch_models.detsweep --out "$out/report/detector.json" "${smoke[@]}"
echo "== backbone check" >&2
"$py" -m maskwatch_models.backbone
# The two trainings run side by side with one thread each (2 cores in all): on a shared 2-core machine this beats
# running them one after the other with 2 threads each, and it halves the wall time of the full run.
# Each stops on its real validation loss (early stopping); MASKWATCH_TRAIN_MINUTES (default 300) is only a safety
# cap for a machine far slower than expected; --max-minutes on the command line overrides it.
budget="${MASKWATCH_TRAIN_MINUTES:-300}"
echo "== train cnn and mobilenetv2 (in parallel, logs interleave)" >&2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$py" -m maskwatch_models.train --model cnn --runs-dir "$out/runs" --threads 1 --max-minutes "$budget" "$@" > "$tmp/cnn" &
cnn_pid=$!
"$py" -m maskwatch_models.train --model mobilenetv2 --runs-dir "$out/runs" --threads 1 --max-minutes "$budget" "$@" > "$tmp/mnv" &
mnv_pid=$!
trap 'kill $cnn_pid $mnv_pid 2>/dev/null; rm -rf "$tmp"' INT TERM
status=0
wait $cnn_pid || status=$?
wait $mnv_pid || status=$?
[[ $status -eq 0 ]] || { echo "training failed (exit $status)" >&2; exit $status; }
cnn_run="$(tail -n 1 "$tmp/cnn")"
mnv_run="$(tail -n 1 "$tmp/mnv")"
echo "== export" >&2
"$py" -m maskwatch_models.export --cnn-run "$cnn_run" --mobilenetv2-run "$mnv_run" --out "$out"
# the operating point (temperature, τ, r) is post-hoc: chosen on the real validation part after every export
echo "== calibrate" >&2
"$py" -m maskwatch_models.calibrate --manifest "$out/manifest.json" "${smoke[@]}"
echo "== report" >&2
"$py" -m maskwatch_models.report --out "$out" "${smoke[@]}"
