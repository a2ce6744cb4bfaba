# Sourced by start/test scripts after set-up: the environment every Maskwatch process needs.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MEDIASOUP_WORKER_BIN="$(bash "$ROOT/infra/mediasoup/worker.sh")" || die "no mediasoup worker: run npm run setup"
export MEDIASOUP_WORKER_BIN
