#!/usr/bin/env bash
# Starts the whole system on this machine with embedded defaults (SQLite file under data/, local models,
# a self-signed certificate, one mediasoup worker per core): the server and one inference node beside it
# (infra/start.mjs). Runs the set-up first when needed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash infra/setup.sh
. infra/env.sh
exec node infra/start.mjs "$@"
