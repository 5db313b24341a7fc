#!/usr/bin/env bash
# The quick start (README "Quick start"): installs what is missing, builds the release binary,
# then runs the demo (crates/updater-testkit/src/bin/quickstart): a local registry and Git
# server with sample images and a GitOps repository, one standalone pass of the updater, what
# it decided and why, the resulting commit. Every server it starts is stopped at the end; the
# demo repository stays in DEMO_DIR (default ./quickstart-demo) for you to look at.
#
#   bash scripts/quickstart.sh [DEMO_DIR]
#
# Exits non-zero if any step or check fails; CI runs it from scripts/test.sh.
set -euo pipefail

marker=.quickstart-demo
# Resolved before the cd below, so a relative DEMO_DIR means relative to where you are.
demo_dir=$(realpath -m -- "${1:-./quickstart-demo}")
cd "$(dirname "$0")/.."

# Refuse early, before a long build: only an empty directory or a previous demo is reused.
if [ -e "$demo_dir" ] && { [ ! -d "$demo_dir" ] || [ -n "$(ls -A -- "$demo_dir")" ]; } \
  && [ ! -f "$demo_dir/$marker" ]; then
  echo "error: $demo_dir exists and is not a previous quick start demo (no $marker in it)" >&2
  echo "hint: pass another directory: bash scripts/quickstart.sh /tmp/my-demo" >&2
  exit 2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found: install Rust first (https://rustup.rs)" >&2
  exit 1
fi

# The registry the demo runs (Debian's distribution 2.8), git for the repository and its
# daemon, and kill (procps), which stops the daemon's connection handlers.
missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v git >/dev/null 2>&1 || missing+=(git)
[ -x /usr/bin/kill ] || [ -x /bin/kill ] || missing+=(procps)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (apt-get)..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "Building argocd-image-updater and the demo (release; the first build takes a few minutes)..."
cargo build --release --locked \
  -p argocd-image-updater --bin argocd-image-updater \
  -p updater-testkit --bin quickstart

release="${CARGO_TARGET_DIR:-target}/release"
exec "$release/quickstart" "$release/argocd-image-updater" "$demo_dir"
