#!/usr/bin/env bash
# Installs this checkout as systemd services: a `maskwatch` system user, the mediasoup worker in
# /usr/local/lib/maskwatch, /etc/maskwatch/maskwatch.env (kept when it exists), maskwatch-server.service and
# maskwatch-inference@.service (pointing at this checkout), then enables and starts the server and node `1`.
# Run it after `npm run setup`, as root:  sudo bash infra/systemd/install.sh
#   --nodes N        start N inference nodes on this machine (default 1; 0 = the server only)
#   --no-server      inference nodes only (a machine that lends its CPU/GPU to a server elsewhere)
#   --no-start       install and enable, start nothing
# MASKWATCH_INSTALL_ROOT=<dir> writes everything under <dir> instead of / and creates, enables and starts nothing
# (to look at the result, or to test the script).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"

nodes=1
start=1
server=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="${2:?--nodes needs a number}"; shift 2 ;;
    --no-start) start=0; shift ;;
    --no-server) server=0; shift ;;
    *) die "unknown option $1 (see the top of $0)" ;;
  esac
done
[[ "$nodes" =~ ^[0-9]+$ ]] || die "--nodes needs a number, not $nodes"

dest="${MASKWATCH_INSTALL_ROOT:-}"
if [ -z "$dest" ]; then
  [ "$(id -u)" = 0 ] || die "run as root: sudo bash infra/systemd/install.sh"
fi
[ -f apps/web/.next/BUILD_ID ] || die "the web app is not built: run npm run setup first"

step "service user"
if [ -n "$dest" ]; then
  info "skipped (MASKWATCH_INSTALL_ROOT)"
elif id maskwatch >/dev/null 2>&1; then
  info "maskwatch exists"
else
  useradd --system --user-group --home-dir /var/lib/maskwatch --no-create-home --shell /usr/sbin/nologin maskwatch
  info "created maskwatch"
fi
if [ -z "$dest" ]; then
  # The services run the checkout as that user: every folder above it must let others in (not /root, not ~).
  runuser -u maskwatch -- test -r "$ROOT/package.json" \
    || die "the maskwatch user cannot read $ROOT: put the checkout where others may read it (e.g. /opt/maskwatch)"
  runuser -u maskwatch -- test -r "$SHARED/models" \
    || die "the maskwatch user cannot read $SHARED (the pretrained face detector is there): put shared/ beside the checkout, readable"
fi

step "mediasoup worker"
worker="$(bash infra/mediasoup/worker.sh)"
install -D -m 0755 "$worker" "$dest/usr/local/lib/maskwatch/mediasoup-worker"
info "$dest/usr/local/lib/maskwatch/mediasoup-worker"

step "settings: $dest/etc/maskwatch/maskwatch.env"
install -d -m 0750 "$dest/etc/maskwatch"
if [ -f "$dest/etc/maskwatch/maskwatch.env" ]; then
  info "kept (compare with infra/systemd/maskwatch.env for new settings)"
else
  install -m 0640 infra/systemd/maskwatch.env "$dest/etc/maskwatch/maskwatch.env"
  info "installed from infra/systemd/maskwatch.env: edit it, then restart the services"
fi
if [ -z "$dest" ]; then
  chgrp maskwatch /etc/maskwatch /etc/maskwatch/maskwatch.env
  # Next.js keeps its cache here; the rest of the checkout stays read-only to the services.
  install -d -o maskwatch -g maskwatch apps/web/.next/cache
fi

step "units: $dest/etc/systemd/system"
install -d "$dest/etc/systemd/system"
for unit in maskwatch-server.service maskwatch-inference@.service; do
  sed "s#/opt/maskwatch#$ROOT#g" "infra/systemd/$unit" >"$dest/etc/systemd/system/$unit"
  chmod 0644 "$dest/etc/systemd/system/$unit"
done
if command -v systemd-analyze >/dev/null; then
  # An instance is verified through a copy with the instance name filled in.
  check=$(mktemp -d)
  trap 'rm -rf "$check"' EXIT
  cp "$dest/etc/systemd/system/maskwatch-server.service" "$check/"
  cp "$dest/etc/systemd/system/maskwatch-inference@.service" "$check/maskwatch-inference@1.service"
  systemd-analyze verify "$check/maskwatch-server.service" "$check/maskwatch-inference@1.service" \
    || die "systemd-analyze verify rejected the units (above)"
  info "systemd-analyze verify: ok"
fi

if [ -n "$dest" ]; then
  info "installed under $dest; nothing enabled or started (MASKWATCH_INSTALL_ROOT)"
  exit 0
fi
step "enable"
instances=()
[ "$server" = 1 ] && instances+=(maskwatch-server.service)
for i in $(seq 1 "$nodes"); do instances+=("maskwatch-inference@$i.service"); done
[ ${#instances[@]} -gt 0 ] || die "nothing to enable (--no-server with --nodes 0)"
if [ ! -d /run/systemd/system ]; then
  info "systemd is not running on this machine: on the target, run"
  info "  systemctl daemon-reload && systemctl enable --now ${instances[*]}"
  exit 0
fi
systemctl daemon-reload
systemctl enable "${instances[@]}"
if [ "$start" = 1 ]; then
  systemctl restart "${instances[@]}"
  info "started: systemctl status ${instances[*]}"
  [ "$server" = 1 ] && info "the first admin password (unless set in the env file): journalctl -u maskwatch-server"
fi
