#!/usr/bin/env bash
# One-command set-up, offline-capable, on a fresh Debian 12 machine (or again, when it is quick):
# system packages, a mediasoup worker, npm packages, the models' Python venv, the web app build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

step "system packages (infra/apt-packages.txt)"
bash infra/apt.sh

step "shared data ($SHARED)"
[ -f "$SHARED/SHA256SUMS" ] || die "shared/ not found at $SHARED (set MASKWATCH_SHARED to the folder holding datasets/, models/, videos/)"
(cd "$SHARED" && sha256sum --quiet -c SHA256SUMS) || die "a file in $SHARED does not match its SHA256SUMS"
info "pretrained models and clips match SHA256SUMS"

step "mediasoup worker"
MEDIASOUP_WORKER_BIN="$(bash infra/mediasoup/worker.sh)"
export MEDIASOUP_WORKER_BIN
info "$MEDIASOUP_WORKER_BIN"

step "npm packages"
stamp=node_modules/.maskwatch-installed
want="$(sha256sum package-lock.json | cut -c1-16)-$(node --version)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
else
  info "node_modules matches package-lock.json"
fi

if [ -f models/setup.sh ]; then
  step "models: Python venv (models/.venv, from the local wheelhouse)"
  bash models/setup.sh
fi

step "web app build (apps/web)"
web_stamp=apps/web/.next/.maskwatch-built
web_want="$(git ls-files -s apps/web packages/protocol 2>/dev/null | sha256sum | cut -c1-16)-$(git status --porcelain apps/web packages/protocol 2>/dev/null | sha256sum | cut -c1-16)"
if [ -f apps/web/package.json ] && grep -q '"build"' apps/web/package.json && [ "$(cat "$web_stamp" 2>/dev/null)" != "$web_want" ]; then
  npm run build -w @maskwatch/web
  echo "$web_want" > "$web_stamp"
else
  info "apps/web build is up to date"
fi

step "ready"
info "start everything: npm start     run the tests: npm test"
