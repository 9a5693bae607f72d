/**
 * A worker host cut off from PostgreSQL (and maybe more) while it runs tasks: the shape of faults 1 and 3.
 * The worker holding the most tasks mid-flow is cut; it cannot renew its leases, so it must stop its
 * cloud calls before they expire (its namespace's cloud request log shows none after that), another
 * worker takes each of its tasks over, and the batch ends while it is still cut off. Then the cut
 * heals: for a lease term the healed worker writes nothing to those tasks (their rows and timelines
 * stay as they were) and sends the cloud nothing that creates or changes. Last, every task has exactly
 * what it asked for, and nothing is left after DELETE.
 */

import type { SessionShape } from "@enamel/openstack-clients"
import { Duration, Effect, Option } from "effect"
import { tokenOf } from "../../e2e/enamel.js"
import { eventually } from "../../support/poll.js"
import type { CutTarget, Deployment } from "../deployment.js"
import { awaitEnd, type Batch, settleBatch, startTasks } from "../tasks.js"
import {
  awaited,
  changesCloud,
  type Fault,
  findings,
  heldBy,
  holderMidFlow,
  leaseTtl,
  readLeases,
  settleAfterHeal,
  since,
  snapshotRows,
  watchLeases
} from "./support.js"

export interface PartitionOptions {
  readonly tasks: number
  readonly servers: number
  /** How long the takeover of the cut worker's tasks may take. */
  readonly takeoverWithin: Duration.DurationInput
}

/** Waits for every task of the batch to end; the ids of those that did not within `timeout`. */
export const unended = (
  hosts: Deployment,
  user: SessionShape,
  batch: Batch,
  timeout: Duration.DurationInput
) =>
  Effect.gen(function* () {
    const token = yield* Effect.orDie(tokenOf(user))
    const ends = yield* Effect.forEach(
      batch.taskIds,
      (id) => Effect.map(awaitEnd(hosts.apiUrl, token, id, timeout), (end) => [id, end] as const),
      { concurrency: "unbounded" }
    )
    return ends.filter(([, end]) => Option.isNone(end)).map(([id]) => id)
  })

export const partition =
  (name: string, targets: ReadonlyArray<CutTarget>, options: PartitionOptions): Fault =>
  (hosts, user) =>
    Effect.gen(function* () {
      const { check, note, violations, notes } = yield* findings
      const start = Date.now()
      const batch = yield* startTasks(hosts.apiUrl, user, {
        label: `hosts-${name}`,
        tasks: options.tasks,
        servers: options.servers
      })
      const leases = yield* watchLeases(batch.taskIds)
      const { worker: victim, id: victimId } = yield* holderMidFlow(hosts, batch.taskIds)

      const cutAt = Date.now()
      yield* hosts.cut(victim.name, ...targets)
      // Healed whatever happens next (a heal of a healed host does nothing).
      yield* Effect.addFinalizer(() => Effect.orDie(hosts.heal(victim.name)))
      // Read once cut: it can claim nothing more, and a claim that landed as the cut began is its too.
      const held = yield* heldBy(victimId, batch.taskIds)
      yield* note(
        `${since(start)}: cut ${victim.namespace} (${victimId}) from ${targets.join(" + ")}, holding ${held.length} of ${batch.taskIds.length} tasks`
      )

      const takenOver = yield* awaited(
        eventually(readLeases(held), (rows) => rows.every((r) => r.owner !== victimId), {
          what: `another worker to take over the tasks ${victimId} held`,
          timeout: options.takeoverWithin,
          every: "100 millis"
        })
      )
      yield* check(takenOver.ok, () => `${victimId}'s tasks were not taken over while it was cut off`)

      const takenOverAt = Date.now()
      if (takenOver.ok) {
        yield* note(`${since(start)}: its ${held.length} tasks taken over`)
        const left = yield* unended(hosts, user, batch, Duration.minutes(3))
        yield* check(
          left.length === 0,
          () => `tasks that did not end while ${victimId} was cut: ${left.join(", ")}`
        )
        yield* note(`${since(start)}: the batch ended, the worker still cut off`)

        // Its leases' last expiry (the last renewal it got through, plus the TTL), and its stop point: a
        // sixth of the TTL earlier (it stops TTL×5/6 after sending that renewal, which PostgreSQL stamped
        // no earlier). It may call the cloud until the stop point, never after.
        const expiries = yield* Effect.forEach(held, (id) =>
          Effect.map(leases.owners(id), (claims) =>
            claims.filter((c) => c.owner === victimId).reduce((t, c) => Math.max(t, c.lastExpiry), 0)
          )
        )
        // Holding none (its task ended just before the cut), it had no reason to call the cloud at all.
        const expiry = expiries.length === 0 ? cutAt : Math.max(...expiries)
        const stopPoint = expiries.length === 0 ? cutAt : expiry - Duration.toMillis(leaseTtl) / 6
        const calls = yield* hosts.cloudRequests(victim.name, cutAt)
        const late = calls.filter((c) => c.t >= stopPoint)
        const lastCall = calls.reduce((t, c) => Math.max(t, c.t), cutAt)
        const sinceCut = (t: number) => `${((t - cutAt) / 1000).toFixed(1)} s`
        yield* note(
          `after the cut: its last cloud call ${sinceCut(lastCall)} (${calls.length} calls), its stop point ` +
            `${sinceCut(stopPoint)}, its leases' expiry ${sinceCut(expiry)}, all taken over by ${sinceCut(takenOverAt)}`
        )
        yield* check(
          late.length === 0,
          () =>
            `${victimId} called the cloud ${late.length} times after its stop point: ${late
              .slice(0, 5)
              .map((c) => `${c.request} at +${((c.t - stopPoint) / 1000).toFixed(1)} s`)
              .join("; ")}`
        )

        const before = yield* snapshotRows(batch.taskIds)
        const healAt = Date.now()
        yield* hosts.heal(victim.name)
        yield* Effect.sleep(settleAfterHeal)
        const after = yield* snapshotRows(batch.taskIds)
        const written = batch.taskIds.filter((id) => before.get(id) !== after.get(id))
        yield* check(
          written.length === 0,
          () => `tasks written to after ${victimId} healed: ${written.join(", ")}`
        )
        const changing = (yield* hosts.cloudRequests(victim.name, healAt)).filter(changesCloud)
        yield* check(
          changing.length === 0,
          () =>
            `${victimId} sent the cloud ${changing.length} changing requests after it healed: ${changing
              .slice(0, 5)
              .map((c) => c.request)
              .join("; ")}`
        )
        yield* note(`${since(start)}: healed; watched it ${Duration.format(settleAfterHeal)}`)
      } else {
        yield* hosts.heal(victim.name)
        yield* note(`${since(start)}: healed without a takeover`)
      }

      const settled = yield* settleBatch(hosts.apiUrl, user, batch)
      yield* note(
        `${since(start)}: counted, deleted (in ${settled.deleteSeconds.toFixed(1)} s), counted again; ` +
          `${settled.tally.takeovers} takeovers; tasks took ${settled.outcomes.map((o) => o.seconds.toFixed(0)).join(", ")} s`
      )
      return {
        fault: name,
        tally: settled.tally,
        violations: [...(yield* violations), ...settled.violations],
        notes: yield* notes,
        outcomes: settled.outcomes
      }
    })
