#!/usr/bin/env bash
# `corepack pnpm bench` from a fresh clone: installs what it needs, starts PostgreSQL and RabbitMQ if
# they are not answering, brings up the dev cloud, then runs the benchmarks (bench/run.ts; BENCH_* pick
# and size the parts, see README). Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_everything
exec corepack pnpm exec tsx bench/run.ts "$@"
