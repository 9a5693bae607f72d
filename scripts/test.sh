#!/usr/bin/env bash
# The whole test suite from a fresh clone on Debian 12 with Node 20: installs what it needs, starts
# PostgreSQL and RabbitMQ if they are not answering, brings up the dev cloud (a real OpenStack on
# loopback), runs every test, and ends with the summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_node_deps
ensure_postgres
ensure_rabbitmq
# The real OpenStack the clients, API and flows are tested against (installs Zed packages the first time).
log "dev cloud: devcloud/devcloud up"
devcloud/devcloud up || die "the dev cloud did not come up (see devcloud/README.md and its logs)"

rm -f .enamel/test-results.json
status=0
corepack pnpm exec vitest run "$@" || status=$?
[ -f .enamel/test-results.json ] || die "vitest wrote no results (exit $status)"
node -e '
  const r = require("./.enamel/test-results.json")
  const skipped = r.numPendingTests + r.numTodoTests
  if (r.numTotalTests === 0) { console.log("0 passed, 0 failed"); process.exit(1) }
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""))
  process.exit(r.numFailedTests > 0 || !r.success ? 1 : 0)
' || status=1
exit "$status"
