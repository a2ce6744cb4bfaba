# Sourced by the infra scripts: repo root, logging, shared paths.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shared/ (datasets, pretrained models, clips) lies beside the checkout; MASKWATCH_SHARED overrides.
SHARED="${MASKWATCH_SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
export MASKWATCH_SHARED="$SHARED"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
info() { printf '   %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
# Every descendant of pid $1, from the process table (children before their own children).
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}
# stop_tree PID [GRACE_S]: SIGTERM to PID and every process below it (listed first, so none escapes by being
# re-parented), SIGKILL to those still there after GRACE_S (default MASKWATCH_STOP_GRACE_S, 10) seconds.
stop_tree() {
  local pids grace="${2:-${MASKWATCH_STOP_GRACE_S:-10}}" i
  pids="$1 $(descendants "$1" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    # shellcheck disable=SC2086
    kill -0 $pids 2>/dev/null || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}
# in_background CMD...: runs CMD as a background step and waits for it, so that a trapped signal is handled at once
# (bash runs a trap only between foreground commands) and can stop the step with stop_tree "$STEP_PID".
STEP_PID=""
in_background() {
  local rc=0
  "$@" &
  STEP_PID=$!
  wait "$STEP_PID" || rc=$?
  STEP_PID=""
  return "$rc"
}
