#!/usr/bin/env bash
# Rebuilds models/report.md and models/report/*.png from manifest.json and the runs it names.
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$models/setup.sh"
cd "$models"
exec "$models/.venv/bin/python" -m maskwatch_models.report "$@"
