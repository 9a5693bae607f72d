/**
 * Fault 6: a rolling upgrade. With tasks running, each worker host in turn is stopped with SIGTERM (it
 * lets its tasks finish for its grace, then hands the rest back at a checkpoint) and started again from
 * a newer build whose `server.create` has a new version (test/hosts/fixtures/upgradedWorker.ts: 4, with
 * 3 kept). Every task finishes, with exactly what it asked for, by the version it was accepted with (3:
 * the APIs are not upgraded), so the new version's renamed stage is in no timeline; nothing is left
 * after DELETE.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { settleBatch, startTasks } from "../tasks.js"
import { type Fault, findings, heldBy, holderMidFlow, since } from "./support.js"

/** The newer build's worker. */
export const upgradedWorkerEntry = "test/hosts/fixtures/upgradedWorker.ts"

/** The stage only version 4 has (the fixture's renamed first stage). */
const version4Stage = "resolveRequestAgain"

export const rollingUpgrade =
  (entry: string = upgradedWorkerEntry): Fault =>
  (hosts, user) =>
    Effect.gen(function* () {
      const { check, note, violations, notes } = yield* findings
      const start = Date.now()
      const batch = yield* startTasks(hosts.apiUrl, user, { label: "hosts-upgrade", tasks: 2, servers: 2 })
      // Start once a task is mid-flow, with the worker holding it: the upgrade meets tasks half made.
      const { worker: first } = yield* holderMidFlow(hosts, batch.taskIds)
      for (const worker of [first, ...hosts.workers.filter((w) => w !== first)]) {
        const held = yield* heldBy(worker.id(), batch.taskIds)
        const began = Date.now()
        yield* worker.stop()
        const stopped = Date.now()
        yield* worker.start({ entry })
        yield* note(
          `${since(start)}: ${worker.namespace} (holding ${held.length} tasks) stopped in ` +
            `${((stopped - began) / 1000).toFixed(1)} s, up again from ${entry} in ${((Date.now() - stopped) / 1000).toFixed(1)} s`
        )
      }

      const settled = yield* settleBatch(hosts.apiUrl, user, batch)
      const sql = yield* SqlClient.SqlClient
      const versions = yield* Effect.orDie(
        sql<{ flowVersion: number }>`SELECT flow_version FROM tasks WHERE id = ANY(${batch.taskIds}::uuid[])`
      )
      yield* check(
        versions.every((v) => v.flowVersion === 3),
        () => `tasks ran at versions ${versions.map((v) => v.flowVersion).join(", ")}, not 3`
      )
      for (const o of settled.outcomes) {
        yield* check(
          !o.timeline.some((e) => e.stage.endsWith(version4Stage)),
          () => `task ${o.taskId} ran version 4's ${version4Stage}`
        )
      }
      yield* note(
        `${since(start)}: counted, deleted (in ${settled.deleteSeconds.toFixed(1)} s), counted again; ` +
          `${settled.tally.takeovers} takeovers; tasks took ${settled.outcomes.map((o) => o.seconds.toFixed(0)).join(", ")} s`
      )
      return {
        fault: "rolling-upgrade",
        tally: settled.tally,
        violations: [...(yield* violations), ...settled.violations],
        notes: yield* notes,
        outcomes: settled.outcomes
      }
    })
