#!/usr/bin/env bash
# updater-core must stay pure: its normal dependency tree may not contain an async runtime, an HTTP
# stack, a Kubernetes client or a git library (DESIGN.md, "Workspace").
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(tokio|tokio-.*|hyper|hyper-.*|h2|reqwest|axum|axum-.*|kube|kube-.*|k8s-openapi|git2|libgit2-sys|gix|gix-.*)$'
crates=$(cargo tree -p updater-core -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
bad=$(grep -E "$forbidden" <<<"$crates" || true)
if [ -n "$bad" ]; then
  echo "updater-core depends on forbidden crates:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "updater-core dependency check: $(wc -l <<<"$crates") crates, none forbidden"
