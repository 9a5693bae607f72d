#!/usr/bin/env bash
# The hosts soak: Enamel across test hosts (test/hosts/) under random faults from the list (a worker host
# cut from PostgreSQL, from RabbitMQ, from everything; an API host cut; loss and delay to PostgreSQL; a
# rolling upgrade), one after another with tasks running, for ENAMEL_SOAK_MINUTES (default 30).
# Prints faults injected, tasks, takeovers, duplicates, leaks and lost tasks; exits non-zero when
# duplicates, leaks or lost are not 0 (or a fault found a property violated). Needs root, the dev cloud
# up, PostgreSQL and RabbitMQ, iptables and haproxy (as the hosts phase of scripts/test.sh).
# Usage: sudo scripts/soak-hosts.sh            ENAMEL_SOAK_MINUTES=5 scripts/soak-hosts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_everything
ensure_iptables
ensure_haproxy
export ENAMEL_SOAK_MINUTES="${ENAMEL_SOAK_MINUTES:-30}"
mkdir -p .enamel
rm -f .enamel/soak-hosts.json
log "soak-hosts: ${ENAMEL_SOAK_MINUTES} minutes of random faults"
status=0
corepack pnpm exec vitest run --config vitest.soak.config.ts || status=$?
if [ -f .enamel/soak-hosts.json ]; then
  node -e '
    const f = JSON.parse(require("node:fs").readFileSync(".enamel/soak-hosts.json", "utf8"))
    console.log(`faults injected: ${f.faults} ${JSON.stringify(f.faultsInjected)}`)
    console.log(`tasks:           ${f.tasks} (server.create: ${f.serverCreateTasks})`)
    console.log(`takeovers:       ${f.takeovers}`)
    console.log(`duplicates:      ${f.duplicates}`)
    console.log(`leaks:           ${f.leaks}`)
    console.log(`lost:            ${f.lost}`)
    for (const v of f.violations) console.log(`violated:        ${v}`)
    process.exit(f.duplicates + f.leaks + f.lost > 0 || f.violations.length > 0 ? 1 : 0)
  ' || status=1
else
  log "soak-hosts: no figures written (the run failed before its end)"
  status=1
fi
exit "$status"
