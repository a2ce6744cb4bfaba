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
broken=(); logs=()
suite() { # name, command...: runs it, keeps its log, remembers a non-zero exit
  local name=$1; shift
  local log="test/.artifacts/$name.log"
  step "tests: $name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || broken+=("$name (exit $rc)")
  logs+=("$log")
}
static_checks() {
  local rc=0
  npx eslint . || rc=1
  for project in packages/common packages/protocol packages/db packages/ffmpeg packages/vision apps/server apps/inference apps/web test; do
    echo "typecheck $project"; npx tsc -p "$project" || rc=1
  done
  return $rc
}
# No suite is optional: a package without tests, or a missing venv, fails the run instead of skipping.
suite static static_checks
for dir in packages/common packages/protocol packages/db packages/ffmpeg packages/vision apps/server apps/inference apps/web; do
  suite "$(basename "$dir")" node infra/run-tests.mjs "$dir/src"
done
suite models models/.venv/bin/python -m pytest models/tests -q -p no:cacheprovider
suite cross-process node infra/run-tests.mjs test
# Totals from node's TAP summaries ("# pass N") and pytest's last line ("N passed, M failed").
sum() { grep -hoE "$1" "${@:2}" | grep -oE '[0-9]+' | awk '{s+=$1} END{print s+0}'; }
pytest_tail=$(tail -n 3 test/.artifacts/models.log)
passed=$(( $(sum '^# pass [0-9]+' "${logs[@]}") + $(sum '[0-9]+ passed' <<<"$pytest_tail") ))
failed=$(( $(sum '^# fail [0-9]+' "${logs[@]}") + $(sum '[0-9]+ (failed|errors?)' <<<"$pytest_tail") ))
echo
[ ${#broken[@]} -eq 0 ] || echo "suites that failed: ${broken[*]}"
echo "tests: $passed passed, $failed failed"
[ ${#broken[@]} -eq 0 ] && [ "$failed" = 0 ]
