#!/usr/bin/env bash
# `npm run bench:live`: the live path under load (test/bench/liveBench.ts); arguments go to it (--cameras 4,8 --soak 300).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
. infra/env.sh
export MASKWATCH_LOG_LEVEL="${MASKWATCH_LOG_LEVEL:-warn}"
exec node --import tsx test/bench/liveBench.ts "$@"
