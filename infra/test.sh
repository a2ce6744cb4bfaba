#!/usr/bin/env bash
# The test commands: set-up when needed, then one level of checks against real components (infra/test.mjs).
#   npm test           (no argument): lint, typecheck, every workspace's unit tests, the models' tests,
#                      in-process integration and the browser smoke (test/*.test.ts)
#   npm run test:e2e   (e2e): the browser and fault journeys (test/e2e/)
# Ends with one line "tests: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash infra/setup.sh || die "set-up failed"
. infra/env.sh
exec node infra/test.mjs "${1:-fast}"
