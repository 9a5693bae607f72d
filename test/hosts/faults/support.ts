/**
 * What the fault modules share: the part of the deployment's handle they use, the result a fault
 * returns (its figures and the properties it found violated), a watch on the leases of a batch's tasks
 * (who held each, until when), the choice of a worker to cut (one holding a task mid-flow), and a
 * snapshot of tasks' rows that shows whether anything wrote to them.
 */
import { SqlClient } from "@effect/sql"
import type { SessionShape } from "@enamel/openstack-clients"
import { Cause, Duration, Effect, Ref, type Scope } from "effect"
import { eventually } from "../../support/poll.js"
import type { CloudRequest, Deployment, Host, HostsError, WorkerHostName } from "../deployment.js"
import type { ApiCallFailed, Outcome, Tally, TasksServices } from "../tasks.js"

/** A worker host of the deployment. */
export type WorkerHost = Host<WorkerHostName>

/** The workers' lease (ENAMEL_LEASE_TTL in deployment.ts). */
export const leaseTtl = Duration.seconds(6)

/** What a fault found: its figures, and each property it found violated (none when all held). */
export interface FaultResult {
  readonly fault: string
  readonly tally: Tally
  readonly violations: ReadonlyArray<string>
  /** What happened, for the report: the worker cut, how its tasks went, timings. */
  readonly notes: ReadonlyArray<string>
  readonly outcomes: ReadonlyArray<Outcome>
}

/** A fault module: runs the fault once on the deployment, with a batch of tasks of its own. */
export type Fault = (
  hosts: Deployment,
  user: SessionShape
) => Effect.Effect<FaultResult, ApiCallFailed | HostsError, TasksServices | Scope.Scope>

/** Collects the violated properties and notes of a fault as it runs. */
export const findings = Effect.map(
  Effect.all([Ref.make<ReadonlyArray<string>>([]), Ref.make<ReadonlyArray<string>>([])]),
  ([violations, notes]) => ({
    /** Records `message` as violated unless `holds`. */
    check: (holds: boolean, message: () => string) =>
      holds ? Effect.void : Ref.update(violations, (v) => [...v, message()]),
    note: (message: string) => Ref.update(notes, (n) => [...n, message]),
    violations: Ref.get(violations),
    notes: Ref.get(notes)
  })
)

/** Seconds since `start`, for notes. */
export const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`

/** A lease of a task as read at one moment. */
export interface LeaseRow {
  readonly id: string
  readonly state: string
  readonly owner: string | null
  readonly fence: number
  /** When the lease expires (epoch ms, PostgreSQL's clock: the same machine's). */
  readonly expiresAt: number | null
}

export const readLeases = (taskIds: ReadonlyArray<string>) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ id: string; state: string; owner: string | null; fence: string; expiresAt: number | null }>`
      SELECT id::text, state, lease_owner AS owner, fence::text,
             (extract(epoch FROM lease_expires_at) * 1000)::float8 AS expires_at
      FROM tasks WHERE id = ANY(${taskIds}::uuid[])`
  ).pipe(
    Effect.map((rows) => rows.map((r): LeaseRow => ({ ...r, fence: Number(r.fence) }))),
    Effect.orDie
  )

/** A change of a task's lease, and when the watch saw it. */
export interface LeaseChange extends LeaseRow {
  readonly seenAt: number
}

/**
 * Reads the tasks' leases every 100 ms for the scope's life and keeps every change: who held each task,
 * with which fence, until when; so a fault can tell when a lease expired and who took it after.
 */
export const watchLeases = (taskIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const changes = yield* Ref.make<ReadonlyArray<LeaseChange>>([])
    const last = new Map<string, string>()
    const sample = Effect.flatMap(readLeases(taskIds), (rows) =>
      Ref.update(changes, (all) => {
        const seenAt = Date.now()
        const fresh = rows.filter((r) => {
          const key = JSON.stringify(r)
          if (last.get(r.id) === key) return false
          last.set(r.id, key)
          return true
        })
        return [...all, ...fresh.map((r) => ({ ...r, seenAt }))]
      })
    )
    yield* sample
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep("100 millis"), sample)))
    return {
      changes: Effect.zipRight(sample, Ref.get(changes)),
      /** The owners a task had, in order, each once per claim (fence). */
      owners: (taskId: string) =>
        Effect.map(Effect.zipRight(sample, Ref.get(changes)), (all) => {
          const claims: Array<{ owner: string; fence: number; claimedAt: number; lastExpiry: number }> = []
          for (const c of all) {
            if (c.id !== taskId || c.owner === null) continue
            const current = claims[claims.length - 1]
            if (current !== undefined && current.fence === c.fence && current.owner === c.owner) {
              current.lastExpiry = Math.max(current.lastExpiry, c.expiresAt ?? 0)
            } else {
              claims.push({
                owner: c.owner,
                fence: c.fence,
                claimedAt: c.seenAt,
                lastExpiry: c.expiresAt ?? 0
              })
            }
          }
          return claims
        })
    }
  })

/**
 * Waits until a worker host holds a task of the batch that has made something in the cloud (a port)
 * and is still running; that host, and the tasks it holds then. Mid-flow is where a cut hurts: some of
 * the task is made, the rest is to come.
 */
export const holderMidFlow = (hosts: Deployment, taskIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const held = sql<{ owner: string; id: string }>`
      SELECT t.lease_owner AS owner, t.id::text FROM tasks t
      WHERE t.id = ANY(${taskIds}::uuid[]) AND t.state = 'RUNNING' AND t.lease_owner IS NOT NULL
        AND EXISTS (SELECT 1 FROM task_timeline l WHERE l.task_id = t.id AND l.phase = 'run'
                    AND l.state = 'SUCCEEDED' AND l.path LIKE '%createPort')`.pipe(Effect.orDie)
    const rows = yield* eventually(
      held,
      (r) => r.some((row) => hosts.workers.some((w) => w.id() === row.owner)),
      {
        what: "a worker host to hold a task mid-flow",
        timeout: "90 seconds",
        every: "100 millis"
      }
    )
    const counts = new Map<string, number>()
    for (const r of rows) counts.set(r.owner, (counts.get(r.owner) ?? 0) + 1)
    // The host holding the most such tasks.
    const [owner] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? []
    const worker = hosts.workers.find((w) => w.id() === owner)
    if (worker === undefined || owner === undefined)
      return yield* Effect.dieMessage(`no worker host is ${owner}`)
    return { worker, id: owner }
  })

/** The tasks of the batch the worker `owner` holds a lease on now. */
export const heldBy = (owner: string, taskIds: ReadonlyArray<string>) =>
  Effect.map(readLeases(taskIds), (rows) => rows.filter((r) => r.owner === owner).map((r) => r.id))

/**
 * Every write to the tasks' rows shows here: each task's state, fence, lease and update time, and a
 * digest of its whole timeline (an upsert rewrites a row in place).
 */
export const snapshotRows = (taskIds: ReadonlyArray<string>) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ id: string; row: string }>`
      SELECT t.id::text,
             concat_ws(' ', t.state, t.fence, t.lease_owner, t.updated_at, t.ended_at,
               (SELECT md5(string_agg(l::text, '|' ORDER BY l.phase, l.path, l.attempt))
                FROM task_timeline l WHERE l.task_id = t.id)) AS row
      FROM tasks t WHERE t.id = ANY(${taskIds}::uuid[]) ORDER BY t.id`
  ).pipe(
    Effect.map((rows) => new Map(rows.map((r) => [r.id, r.row]))),
    Effect.orDie
  )

/** A request that makes or changes something (not a read, not a Keystone token). */
export const changesCloud = (r: CloudRequest) => r.port !== 5000 && !/^(GET|HEAD|OPTIONS) /.test(r.request)

/** How long after a heal a fault watches the healed worker: a lease term. */
export const settleAfterHeal = leaseTtl

/** The awaited value, or the reason it did not come (`eventually`'s timeout is a defect). */
export const awaited = <A, E, R>(wait: Effect.Effect<A, E, R>) =>
  wait.pipe(
    Effect.map((value) => ({ ok: true as const, value })),
    Effect.catchAllCause((cause) => Effect.succeed({ ok: false as const, why: Cause.pretty(cause) }))
  )
