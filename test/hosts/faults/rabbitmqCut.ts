/**
 * Fault 2: a worker host cut off from RabbitMQ only, while it runs tasks. RabbitMQ gives its deliveries
 * back (its heartbeats stop) and other workers receive them; it still reaches PostgreSQL, so it keeps
 * renewing its leases and those workers find the tasks held. Each task it ran either finishes under its
 * lease (one claim, its own) or is taken over (a later claim by another worker, only once its lease
 * expired), never both: no stage succeeds twice, the cloud holds exactly what was asked, and after a
 * takeover it calls the cloud no more. Nothing is left after DELETE.
 */
import { Duration, Effect } from "effect"
import { settleBatch, startTasks } from "../tasks.js"
import { unended } from "./partition.js"
import { type Fault, findings, heldBy, holderMidFlow, since, watchLeases } from "./support.js"

export const rabbitmqCut: Fault = (hosts, user) =>
  Effect.gen(function* () {
    const { check, note, violations, notes } = yield* findings
    const start = Date.now()
    const batch = yield* startTasks(hosts.apiUrl, user, { label: "hosts-rabbitmq-cut", tasks: 2, servers: 2 })
    const leases = yield* watchLeases(batch.taskIds)
    const { worker: victim, id: victimId } = yield* holderMidFlow(hosts, batch.taskIds)

    const cutAt = Date.now()
    yield* hosts.cut(victim.name, "rabbitmq")
    yield* Effect.addFinalizer(() => Effect.orDie(hosts.heal(victim.name)))
    const held = yield* heldBy(victimId, batch.taskIds)
    yield* note(
      `${since(start)}: cut ${victim.namespace} (${victimId}) from RabbitMQ, holding ${held.length} of ${batch.taskIds.length} tasks`
    )

    // Its tasks go on while it is cut off: wait for the whole batch, then heal.
    const left = yield* unended(hosts, user, batch, Duration.minutes(3))
    yield* check(
      left.length === 0,
      () => `tasks that did not end while ${victimId} was cut: ${left.join(", ")}`
    )
    yield* note(`${since(start)}: the batch ended, the worker still cut off`)
    yield* hosts.heal(victim.name)

    let underItsLease = 0
    let takenOver = 0
    for (const id of held) {
      const claims = yield* leases.owners(id)
      const others = claims.filter((c) => c.owner !== victimId)
      if (others.length === 0) {
        underItsLease++
        continue
      }
      takenOver++
      // Taken over: only after its own last claim expired, and it is not its own again afterwards.
      const own = claims.filter((c) => c.owner === victimId)
      const lastOwn = own[own.length - 1]
      const firstOther = others[0]
      if (lastOwn !== undefined && firstOther !== undefined) {
        yield* check(
          firstOther.fence > lastOwn.fence,
          () => `task ${id} went back to ${victimId} after ${firstOther.owner} took it over`
        )
        yield* check(
          firstOther.claimedAt + 100 >= lastOwn.lastExpiry,
          () => `task ${id} was claimed by ${firstOther.owner} before ${victimId}'s lease expired`
        )
        // With one task held, every call it made after the takeover would be for that task.
        if (held.length === 1) {
          const after = (yield* hosts.cloudRequests(victim.name, cutAt)).filter(
            (c) => c.t > firstOther.claimedAt
          )
          yield* check(
            after.length === 0,
            () => `${victimId} called the cloud ${after.length} times after its task was taken over`
          )
        }
      }
    }
    yield* note(`of its tasks, ${underItsLease} finished under its lease, ${takenOver} were taken over`)

    const settled = yield* settleBatch(hosts.apiUrl, user, batch)
    yield* note(
      `${since(start)}: counted, deleted (in ${settled.deleteSeconds.toFixed(1)} s), counted again; ` +
        `${settled.tally.takeovers} takeovers; tasks took ${settled.outcomes.map((o) => o.seconds.toFixed(0)).join(", ")} s`
    )
    return {
      fault: "rabbitmq-cut",
      tally: settled.tally,
      violations: [...(yield* violations), ...settled.violations],
      notes: yield* notes,
      outcomes: settled.outcomes
    }
  })
