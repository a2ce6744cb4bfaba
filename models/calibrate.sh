#!/usr/bin/env bash
# Chooses each classifier's operating point (temperature, τ, r) on the scene-like validation and writes it into
# models/manifest.json (post-hoc, no retraining). Flags go to maskwatch_models.calibrate (--dry-run, --smoke).
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$models/setup.sh"
cd "$models"
exec "$models/.venv/bin/python" -m maskwatch_models.calibrate "$@"
