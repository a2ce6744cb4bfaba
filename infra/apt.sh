#!/usr/bin/env bash
# Installs the Debian packages listed in infra/apt-packages.txt that are missing (and, with
# MASKWATCH_APT_EXTRA, more). Does nothing, and needs no root, when everything is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mapfile -t wanted < <(grep -v '^\s*#' "$ROOT/infra/apt-packages.txt" | awk 'NF{print $1}')
wanted+=(${MASKWATCH_APT_EXTRA:-})
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && { info "all ${#wanted[@]} packages present"; exit 0; }
info "installing: ${missing[*]}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -q >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
