#!/usr/bin/env bash
# Creates packages/vision/bench/.venv with the seed stack's packages (bench/requirements.txt) and prints its python.
# Idempotent: quick once the venv matches the requirements. Progress to stderr, the python path to stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
want="$(sha256sum "$here/requirements.txt" | cut -c1-16)"
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$want" ]; then
  echo "bench: creating $venv (OpenCV, TensorFlow, Keras from the local wheelhouse; once)" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --retries 0 -r "$here/requirements.txt" >&2
  echo "$want" > "$venv/.requirements"
fi
echo "$venv/bin/python"
