#!/usr/bin/env bash
# The fleet benchmark (issue 9; not part of the test run): generates a fleet of Applications and
# images, seeds the real registry and a git daemon with it, runs the release argocd-image-updater
# for a cold pass, a warm pass with nothing new and a pass after new tags, in standalone mode
# and in cluster mode against the testkit's fake API server (--mode standalone|cluster|both,
# default both), and prints per pass wall time, CPU, peak RSS, registry, git and API requests
# counted on the servers' side, and whether every write-back target holds what it should.
#
#   bash scripts/bench-fleet.sh [small|large] [more fleet options]
#
# small (50 apps, 20 repositories of 50 tags) takes seconds after the build; large (1000 apps,
# 2000 images, 200 repositories of 300 tags) about two minutes for both modes. Results go to
# fleet-<size>.json as well. Exits non-zero when a pass fails or leaves a target wrong.
set -euo pipefail

size="${1:-small}"
shift || true
cd "$(dirname "$0")/.."

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v git >/dev/null 2>&1 || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (apt-get)..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo build --release --locked \
  -p argocd-image-updater --bin argocd-image-updater \
  -p updater-testkit --bin fleet

release="${CARGO_TARGET_DIR:-target}/release"
exec "$release/fleet" --updater "$release/argocd-image-updater" --size "$size" \
  --json "fleet-$size.json" "$@"
