# Sourced by the infra scripts: repo root, logging, shared paths.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shared/ (datasets, pretrained models, clips) lies beside the checkout; MASKWATCH_SHARED overrides.
SHARED="${MASKWATCH_SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
export MASKWATCH_SHARED="$SHARED"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
info() { printf '   %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
