#!/usr/bin/env bash
# The main job from a fresh clone: installs what it needs and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_node_deps
corepack pnpm --silent demo "$@"
