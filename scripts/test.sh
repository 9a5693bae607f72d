#!/usr/bin/env bash
# The whole test suite from a fresh clone on Debian 12 with Node 20, in three tiers, and the summary line:
#   1. the fast tier (*.fast.test.ts): no services; PostgreSQL, RabbitMQ and the dev cloud are pointed at
#      a closed port, so a fast test that reached one would fail; its target is under 60 s, measured and
#      printed (a warning beyond it: a time is a target, not a test, on a shared and noisy machine);
#   2. the main tier, after PostgreSQL and RabbitMQ are started if they are not answering and the dev
#      cloud (a real OpenStack on loopback) is up;
#   3. the disruptive phase: tests that restart shared services, once nothing else runs;
#   4. the hosts phase: Enamel deployed across network namespaces (two APIs behind HAProxy, three workers)
#      and cut off from its database, its broker or each other (test/hosts/, needs root); its target is
#      under 5 minutes, measured and printed like the fast tier's.
# With paths (`./scripts/test.sh packages/broker test/e2e/keyGone.test.ts`), vitest's filters: each tier
# runs the files they name; the services are only started when a main-tier file is named, and the
# disruptive and hosts phases only run when a path names something under test/disruptive or test/hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

fast_target=60
fast_results=.enamel/test-results-fast.json
main_results=.enamel/test-results.json
disruptive_results=.enamel/test-results-disruptive.json
hosts_target=300
hosts_results=.enamel/test-results-hosts.json

ensure_node_deps
rm -f "$fast_results" "$main_results" "$disruptive_results" "$hosts_results"
status=0
ran=() # the results of the tiers this run ran, for the summary

# With paths, a tier none of them names is skipped (vitest would fail on "no test files").
names_files() { # config, filters...: do the filters name any file of this tier?
  local config=$1
  shift
  [ $# -eq 0 ] && return 0
  [ -n "$(corepack pnpm --silent exec vitest list --filesOnly --config "$config" "$@" 2>/dev/null)" ]
}

if names_files vitest.fast.config.ts "$@"; then
  log "fast tier: no PostgreSQL, RabbitMQ or dev cloud (their addresses point at a closed port)"
  started=$SECONDS
  without_services corepack pnpm exec vitest run --config vitest.fast.config.ts "$@" || status=$?
  ran+=("$fast_results")
  took=$((SECONDS - started))
  log "fast tier took ${took} s (target: under ${fast_target} s, with no service reachable)"
  [ -f "$fast_results" ] || { log "the fast tier wrote no results"; status=1; }
  if [ "$took" -gt "$fast_target" ]; then
    printf '\033[33m[enamel] WARNING:\033[0m the fast tier took %s s, over its %s s target (load: %s)\n' \
      "$took" "$fast_target" "$(cut -d" " -f1-3 /proc/loadavg)" >&2
  fi
fi

run_main=false
names_files vitest.config.ts "$@" && run_main=true
run_disruptive=false
run_hosts=false
if [ $# -eq 0 ]; then
  run_disruptive=true
  run_hosts=true
else
  for path in "$@"; do
    [[ $path == *test/disruptive* ]] && run_disruptive=true
    [[ $path == *test/hosts* ]] && run_hosts=true
  done
fi

if $run_main || $run_disruptive || $run_hosts; then
  # The real OpenStack the clients, API and flows are tested against, and the services.
  ensure_everything
fi
if $run_main; then
  log "main tier"
  corepack pnpm exec vitest run "$@" || status=$?
  ran+=("$main_results")
  [ -f "$main_results" ] || { log "the main tier wrote no results"; status=1; }
fi
# Then the tests that restart RabbitMQ or PostgreSQL, one at a time, once nothing else runs.
if $run_disruptive; then
  log "disruptive phase (restarts shared services)"
  corepack pnpm exec vitest run --config vitest.disruptive.config.ts "$@" || status=$?
  ran+=("$disruptive_results")
  [ -f "$disruptive_results" ] || { log "the disruptive phase wrote no results"; status=1; }
fi
# Then Enamel across test hosts (network namespaces), with faults of the network made by iptables.
if $run_hosts; then
  ensure_iptables
  ensure_haproxy
  log "hosts phase (network namespaces, HAProxy, iptables faults)"
  started=$SECONDS
  corepack pnpm exec vitest run --config vitest.hosts.config.ts "$@" || status=$?
  took=$((SECONDS - started))
  ran+=("$hosts_results")
  [ -f "$hosts_results" ] || { log "the hosts phase wrote no results"; status=1; }
  log "hosts phase took ${took} s (target: under ${hosts_target} s)"
  if [ "$took" -gt "$hosts_target" ]; then
    printf '\033[33m[enamel] WARNING:\033[0m the hosts phase took %s s, over its %s s target (load: %s)\n' \
      "$took" "$hosts_target" "$(cut -d" " -f1-3 /proc/loadavg)" >&2
  fi
fi

node -e '
  const fs = require("fs")
  const runs = process.argv.slice(1).filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")))
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0)
  const skipped = sum("numPendingTests") + sum("numTodoTests")
  if (sum("numTotalTests") === 0) { console.log("0 passed, 0 failed"); process.exit(1) }
  // The failed tests by name, just above the summary line, so that the tail of a long log says what failed.
  for (const run of runs)
    for (const file of run.testResults)
      for (const test of file.assertionResults)
        if (test.status === "failed")
          console.log(`FAILED ${file.name.replace(process.cwd() + "/", "")} > ${test.fullName}\n  ${(test.failureMessages[0] ?? "").split("\n")[0]}`)
  console.log(`${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed` + (skipped ? `, ${skipped} skipped` : ""))
  process.exit(sum("numFailedTests") > 0 || runs.some((r) => !r.success) ? 1 : 0)
' "${ran[@]}" || status=1
exit "$status"
