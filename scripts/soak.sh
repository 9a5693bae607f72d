#!/usr/bin/env bash
# The crash soak, by hand: the kill-loop test (test/e2e/workerKillLoop.test.ts) with 100 SIGKILLs of real
# worker processes at random moments while server.create tasks run on the dev cloud. Every task must
# succeed with exactly what it asked for, and deleting leaves nothing. Repeat a run's choices with the
# seed it prints: ENAMEL_SOAK_SEED=<seed> scripts/soak.sh. ENAMEL_SOAK_KILLS and ENAMEL_SOAK_TASKS (tasks
# kept running at once, 3) change the size.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_everything
export ENAMEL_SOAK_KILLS="${ENAMEL_SOAK_KILLS:-100}"
log "soak: $ENAMEL_SOAK_KILLS kills"
exec corepack pnpm exec vitest run test/e2e/workerKillLoop.test.ts
