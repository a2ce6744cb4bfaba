#!/usr/bin/env bash
# Starts the whole system on this machine with embedded defaults (SQLite file under data/, local models,
# a self-signed certificate, one mediasoup worker per core): the server and one inference node beside it
# (infra/start.mjs). Runs the set-up first when needed.
#
# A stop (SIGTERM, SIGINT, SIGHUP) during the set-up ends the set-up and everything it started; once the system
# runs, this script has become infra/start.mjs (exec), which stops the server and the node. npm runs it with
# `exec` (package.json), so a signal to `npm start`'s own pid reaches it too (npm passes SIGINT and SIGTERM on).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
on_stop() {
  trap - TERM INT HUP
  [ -z "$STEP_PID" ] || stop_tree "$STEP_PID"
  exit 143
}
trap on_stop TERM INT HUP
in_background bash infra/setup.sh
. infra/env.sh
# The committed training runs, for the console's models page (idempotent: upsert by run id).
MASKWATCH_DB="${MASKWATCH_DB:-${MASKWATCH_DATA_DIR:-$ROOT/data}/maskwatch.db}" in_background npx tsx packages/db/src/cli/importRuns.ts models >/dev/null \
  || info "could not import the training runs in models/runs (the models page will list none)"
# Tied to the life of whoever started it (npm, a shell): if that is killed with -9, start.mjs gets SIGTERM and stops
# everything it started.
if setpriv --pdeathsig TERM -- true 2>/dev/null; then
  exec setpriv --pdeathsig TERM -- node infra/start.mjs "$@"
fi
exec node infra/start.mjs "$@"
