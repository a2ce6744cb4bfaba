#!/usr/bin/env bash
# Starts the whole system on this machine with embedded defaults (SQLite file under data/, local models,
# a self-signed certificate, one mediasoup worker per core): the server and one inference node beside it
# (infra/start.mjs). Runs the set-up first when needed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash infra/setup.sh
. infra/env.sh
# The committed training runs, for the console's models page (idempotent: upsert by run id).
MASKWATCH_DB="${MASKWATCH_DB:-${MASKWATCH_DATA_DIR:-$ROOT/data}/maskwatch.db}" npx tsx packages/db/src/cli/importRuns.ts models >/dev/null \
  || info "could not import the training runs in models/runs (the models page will list none)"
exec node infra/start.mjs "$@"
