#!/usr/bin/env bash
# The whole test suite from a fresh clone on Debian 12 with Node 20: installs what it needs, starts
# PostgreSQL and RabbitMQ if they are not answering, brings up the dev cloud (a real OpenStack on
# loopback), runs every test, and ends with the summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

# The real OpenStack the clients, API and flows are tested against, and the services.
ensure_everything

rm -f .enamel/test-results.json .enamel/test-results-disruptive.json
status=0
corepack pnpm exec vitest run "$@" || status=$?
# Then the tests that restart RabbitMQ or PostgreSQL, one at a time, once nothing else runs.
if [ $# -eq 0 ]; then
  log "disruptive phase (restarts shared services)"
  corepack pnpm exec vitest run --config vitest.disruptive.config.ts || status=$?
fi
[ -f .enamel/test-results.json ] || die "vitest wrote no results (exit $status)"
node -e '
  const fs = require("fs")
  const runs = [".enamel/test-results.json", ".enamel/test-results-disruptive.json"]
    .filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")))
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0)
  const skipped = sum("numPendingTests") + sum("numTodoTests")
  if (sum("numTotalTests") === 0) { console.log("0 passed, 0 failed"); process.exit(1) }
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed` + (skipped ? `, ${skipped} skipped` : ""))
  process.exit(sum("numFailedTests") > 0 || runs.some((r) => !r.success) ? 1 : 0)
' || status=1
exit "$status"
