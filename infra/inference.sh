#!/usr/bin/env bash
# `npm run inference`: one more inference node, on this machine or another one with a checkout (after
# `npm run setup`). It finds the server from the same MASKWATCH_* variables the server reads, or from
# MASKWATCH_SERVER_URL; on another machine also set MASKWATCH_INFERENCE_SECRET (the server's data/inference.secret),
# MASKWATCH_NODE_RTP_HOST (this machine's address as the server reaches it) and, for the server's self-signed
# certificate, MASKWATCH_SERVER_CA (a copy of its data/tls/cert.pem). See README.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
export MASKWATCH_LOG_NAME="${MASKWATCH_LOG_NAME:-inference}"
exec node --import tsx apps/inference/src/main.ts "$@"
