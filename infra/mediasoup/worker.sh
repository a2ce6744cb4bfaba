#!/usr/bin/env bash
# Prints the path of a mediasoup-worker that runs on this machine, trying in order:
#   1. $MEDIASOUP_WORKER_BIN, if it is set and runs;
#   2. a worker cached under ~/.cache/mediasoup-worker/ by an earlier run (prebuilt or built);
#   3. mediasoup's own prebuilt release for this platform, where the network allows (MASKWATCH_WORKER_PREBUILT=0 skips);
#   4. a build from mediasoup's npm sources and Debian's libraries (build-worker.sh, ~9 min on 2 cores).
# The version is the one package-lock.json resolves. Progress goes to stderr; only the path to stdout.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"
VERSION=$(node -p "require('./package-lock.json').packages['node_modules/mediasoup'].version")
CACHE="${MEDIASOUP_WORKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mediasoup-worker}"
# A usable worker exits with code 41 when started without MEDIASOUP_VERSION.
runs() { local rc=0; [ -x "$1" ] || return 1; env -i "$1" >/dev/null 2>&1 || rc=$?; [ "$rc" = 41 ]; }

if [ -n "${MEDIASOUP_WORKER_BIN:-}" ] && runs "$MEDIASOUP_WORKER_BIN"; then echo "$MEDIASOUP_WORKER_BIN"; exit 0; fi
for bin in "$CACHE/$VERSION"-*/mediasoup-worker; do
  if runs "$bin"; then info "mediasoup-worker $VERSION: cached $bin"; echo "$bin"; exit 0; fi
done

if [ "${MASKWATCH_WORKER_PREBUILT:-1}" = 1 ]; then
  # The same release asset mediasoup's postinstall would download.
  repo=$(npm view "mediasoup@$VERSION" repository.url 2>/dev/null | sed -e 's/^git+//' -e 's/\.git$//')
  tarball="mediasoup-worker-$VERSION-$(node -p 'process.platform')-$(node -p 'process.arch')"
  [ "$(uname -s)" = Linux ] && tarball="$tarball-kernel$(uname -r | cut -d. -f1)"
  dir="$CACHE/$VERSION-prebuilt-$(uname -m)"
  tmp=$(mktemp -d)
  if [ -n "$repo" ] && curl -fsSL --connect-timeout 5 --max-time 120 "$repo/releases/download/$VERSION/$tarball.tgz" -o "$tmp/w.tgz" 2>/dev/null \
    && tar xzf "$tmp/w.tgz" -C "$tmp" && runs "$tmp/mediasoup-worker"; then
    mkdir -p "$dir" && mv "$tmp/mediasoup-worker" "$dir/mediasoup-worker" && rm -rf "$tmp"
    info "mediasoup-worker $VERSION: prebuilt release"; echo "$dir/mediasoup-worker"; exit 0
  fi
  rm -rf "$tmp"
  info "mediasoup-worker $VERSION: no prebuilt release reachable, building from sources (~9 min)"
fi
MS_VERSION="$VERSION" MEDIASOUP_WORKER_CACHE="$CACHE" bash "$ROOT/infra/mediasoup/build-worker.sh"
