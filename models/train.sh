#!/usr/bin/env bash
# Full pipeline: venv -> face crops (TS vision package) -> backbone check -> train cnn -> train mobilenetv2 ->
# ONNX export + int8 + parity -> report. Flags go to both training runs, e.g. --epochs 10, --smoke.
# --smoke writes everything under models/.cache/smoke/ instead of the committed files.
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$models/setup.sh"
cd "$models"
py="$models/.venv/bin/python"
out="$models"
for a in "$@"; do [[ "$a" == "--smoke" ]] && out="$models/.cache/smoke"; done
mkdir -p "$out/runs"
echo "== crops" >&2
"$py" -m maskwatch_models.crops
echo "== backbone check" >&2
"$py" -m maskwatch_models.backbone
echo "== train cnn" >&2
cnn_run="$("$py" -m maskwatch_models.train --model cnn --runs-dir "$out/runs" "$@" | tail -n 1)"
echo "== train mobilenetv2" >&2
mnv_run="$("$py" -m maskwatch_models.train --model mobilenetv2 --runs-dir "$out/runs" "$@" | tail -n 1)"
echo "== export" >&2
"$py" -m maskwatch_models.export --cnn-run "$cnn_run" --mobilenetv2-run "$mnv_run" --out "$out"
echo "== report" >&2
"$py" -m maskwatch_models.report --out "$out"
