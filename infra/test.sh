#!/usr/bin/env bash
# The test command (npm test): set-up when needed, then every suite against real components —
# lint and typecheck, unit tests per package, the models' Python tests, then cross-process and browser tests in test/.
# Ends with one line "tests: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash infra/setup.sh || die "set-up failed"
. infra/env.sh
mkdir -p test/.artifacts
passed=0; failed=0; broken=()
count_node() { # sums node's TAP summary lines of a log
  local p f; p=$(grep -E '^# pass [0-9]+' "$1" | awk '{s+=$3} END{print s+0}'); f=$(grep -E '^# fail [0-9]+' "$1" | awk '{s+=$3} END{print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
}
suite() { # name, command...
  local name=$1; shift
  local log="test/.artifacts/$name.log"
  step "tests: $name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || broken+=("$name (exit $rc)")
  return 0
}
static_checks() {
  local rc=0
  npx eslint . || rc=1
  for project in packages/protocol packages/db packages/vision apps/server apps/web test; do
    echo "typecheck $project"; npx tsc -p "$project" || rc=1
  done
  return $rc
}
suite static static_checks
for dir in packages/protocol/src packages/db/src packages/vision/src apps/server/src; do
  if compgen -G "$dir/**/*.test.ts" >/dev/null || find "$dir" -name '*.test.ts' -print -quit 2>/dev/null | grep -q .; then
    suite "$(echo "$dir" | cut -d/ -f2)" node infra/run-tests.mjs "$dir"; count_node "test/.artifacts/$(echo "$dir" | cut -d/ -f2).log"
  fi
done
if [ -d models/tests ] && [ -x models/.venv/bin/python ]; then
  suite models models/.venv/bin/python -m pytest models/tests -q -p no:cacheprovider
  p=$(grep -oE '[0-9]+ passed' test/.artifacts/models.log | tail -1 | cut -d' ' -f1); f=$(grep -oE '[0-9]+ (failed|error)' test/.artifacts/models.log | tail -1 | cut -d' ' -f1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
fi
if find test -name '*.test.ts' -not -path '*/node_modules/*' -print -quit | grep -q .; then
  suite e2e node infra/run-tests.mjs test; count_node test/.artifacts/e2e.log
fi
echo
[ ${#broken[@]} -eq 0 ] || echo "suites that failed: ${broken[*]}"
echo "tests: $passed passed, $failed failed"
[ ${#broken[@]} -eq 0 ] && [ "$failed" = 0 ]
