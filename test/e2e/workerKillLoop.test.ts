/**
 * Worker processes killed with SIGKILL again and again, at random moments, while server.create tasks
 * build servers (boot volume, port, floating IP) on the dev cloud; a fresh worker starts after each kill.
 * Every task still succeeds, each with exactly the servers, volumes, ports and floating IPs it asked for
 * (nothing made twice), and DELETE /servers leaves none. 20 kills in CI; `ENAMEL_SOAK_KILLS=100` (see
 * scripts/soak.sh) makes it the soak run by hand. The seed (printed; `ENAMEL_SOAK_SEED` sets it) fixes the
 * test's choices (delays, victims, server counts), not the cloud's timing.
 */
import type { ChildProcess } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { queueState, removeTopology } from "@enamel/broker/testing"
import { Session, type SessionShape } from "@enamel/openstack-clients"
import { Duration, Effect, Exit, Layer, Logger, LogLevel, Random, Redacted, Schedule } from "effect"
import { afterAll } from "vitest"
import { serverNames } from "../../packages/domain/src/flows/server-create/plan.js"
import { cleanUp, leftovers } from "../../packages/domain/test/flows/support/devcloud.js"
import { sessionFor, testSettings, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { eventually } from "../support/poll.js"
import {
  call,
  configWith,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  fullServers,
  type TaskBody
} from "./enamel.js"
import { killHard, startWorker } from "./workerProcesses.js"

const kills = Number(process.env.ENAMEL_SOAK_KILLS ?? "20")
const seed = Number(process.env.ENAMEL_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31))
/** Tasks kept running at once while the workers are being killed. */
const parallel = Number(process.env.ENAMEL_SOAK_TASKS ?? "3")

const namespace = uniqueName("killloop")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)
const Enamel = enamelApi(Layer.empty).pipe(
  // The API's request log would drown the loop's own report.
  Layer.provide(Logger.minimumLogLevel(LogLevel.Warning)),
  Layer.provide(
    Layer.setConfigProvider(
      configWith([
        ["ENAMEL_AMQP_NAMESPACE", namespace],
        ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
        // A retry of this test (on the same database) must not reuse the key the first attempt deleted.
        ["ENAMEL_KEY_CACHE_TTL", "0 millis"]
      ])
    )
  )
)

/** Each worker of the loop: a short lease so a killed worker's tasks move on soon; no restart limit. */
const workerSettings = {
  ENAMEL_LEASE_TTL: "1500 millis",
  ENAMEL_WORKER_RETRY_DELAY: "300 millis",
  // The point is that a task survives any number of kills; the limit itself is tested in the worker's tests.
  ENAMEL_MAX_RESTARTS: "100000"
}

interface Submitted {
  readonly taskId: string
  readonly names: ReadonlyArray<string>
}

/** Tasks whose worker is alive and holds their lease, by worker. */
const leaseHolders = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{ leaseOwner: string; id: string }>`
    SELECT lease_owner, id FROM tasks WHERE state = 'RUNNING' AND lease_expires_at > now()`
)

/**
 * The stages that were running (started, not ended) in these tasks when their worker died: the newest
 * attempt of each stage, if it is still RUNNING (attempts cut off by earlier kills stay RUNNING too).
 */
const runningStages = (taskIds: ReadonlyArray<string>) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ taskId: string; path: string; attempt: number; state: string }>`
      SELECT DISTINCT ON (task_id, path) task_id, path, attempt, state FROM task_timeline
      WHERE task_id IN ${sql.in(taskIds)} AND phase = 'run'
      ORDER BY task_id, path, attempt DESC`
  ).pipe(Effect.map((rows) => rows.filter((r) => r.state === "RUNNING")))

const unfinished = (taskIds: ReadonlyArray<string>) =>
  taskIds.length === 0
    ? Effect.succeed([])
    : Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.map(
          sql<{ id: string }>`
            SELECT id FROM tasks WHERE id IN ${sql.in(taskIds)}
            AND state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`,
          (rows) => rows.map((r) => r.id)
        )
      )

const totalRestarts = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    sql<{ n: number }>`SELECT coalesce(sum(restarts), 0)::int AS n FROM tasks WHERE type = 'server.create'`,
    (rows) => rows[0]?.n ?? 0
  )
)

/** `median m s, max n s` of durations in milliseconds. */
const quantiles = (millis: ReadonlyArray<number>) => {
  const sorted = [...millis].sort((a, b) => a - b)
  const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1)
  return `median ${seconds(sorted[Math.floor(sorted.length / 2)])} s, max ${seconds(sorted[sorted.length - 1])} s`
}

/** The lines of the workers' logs (one file per worker in `dir`) that name the task, newest last. */
const logLinesAbout = (dir: string, taskId: string, keep = 40) =>
  readdirSync(dir)
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), "utf8")
        .split("\n")
        .filter((line) => line.includes(taskId))
        .map((line) => `${file}: ${line}`)
    )
    .slice(-keep)

interface Witnesses {
  /** The workers alive now, by name. */
  readonly live: ReadonlyMap<string, unknown>
  /** Where the workers' logs are, one file per worker. */
  readonly logDir: string
}

/**
 * Where an unfinished task stands (state, lease and whether its holder lives, restarts, its newest stage
 * attempts, its outbox row), what its topic's queue holds, and what the workers logged about it: enough
 * to tell a task nobody holds a message for from one a live worker runs too long.
 */
const describeTask = (taskId: string, why: string, witnesses: Witnesses, topic = "server.create") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.gen(function* () {
      const [task] = yield* sql<{ leaseOwner: string | null }>`
        SELECT state, lease_owner, lease_expires_at, lease_expires_at > now() AS lease_live, fence,
               restarts, updated_at, now() AS now
        FROM tasks WHERE id = ${taskId}`
      const owner = task?.leaseOwner ?? null
      const stages = yield* sql`SELECT phase, path, attempt, state, started_at, ended_at FROM task_timeline
                                WHERE task_id = ${taskId} ORDER BY started_at DESC LIMIT 6`
      const outbox = yield* sql`SELECT count(*)::int AS n FROM task_outbox WHERE task_id = ${taskId}`
      const queue = yield* Effect.either(queueState(namespace, topic))
      console.log(
        `kill loop: task ${taskId} ${why}: ${JSON.stringify({
          task,
          ownerAlive: owner !== null && witnesses.live.has(owner),
          liveWorkers: [...witnesses.live.keys()],
          stages,
          outbox,
          queue: queue._tag === "Right" ? queue.right : String(queue.left)
        })}\nwhat the workers logged about it (all their logs are in ${witnesses.logDir}):\n` +
          logLinesAbout(witnesses.logDir, taskId).join("\n")
      )
    })
  ).pipe(Effect.ignore)

/** Describes the task when waiting for it fails. */
const explainStuck =
  (taskId: string, witnesses: Witnesses, topic = "server.create") =>
  <A, E, R>(wait: Effect.Effect<A, E, R>) =>
    wait.pipe(Effect.tapDefect(() => describeTask(taskId, "did not finish", witnesses, topic)))

const asAlice = (alice: SessionShape) =>
  Effect.provide(Layer.merge(Layer.succeed(Session, alice), testSettings))

/**
 * Generous for the slow shared dev cloud (alone, 20 kills take about 3 minutes), plus the minute a
 * create cut off by the last kills may take to land (a resumed stage waits for it; see adoptOrCreate).
 * The test gives up 60 s before vitest would, so that its clean-up still runs inside the test.
 */
const bound = Duration.seconds(180 + kills * 12)

describe("worker processes killed again and again on the dev cloud", () => {
  layer(Enamel, { timeout: Duration.minutes(2), excludeTestServices: true })((it) => {
    it.scoped(
      `${kills} SIGKILLs at random moments: every task succeeds with exactly what it asked for`,
      () =>
        Effect.gen(function* () {
          const started = Date.now()
          const rng = Random.make(seed)
          console.log(
            `kill loop: seed ${seed} (ENAMEL_SOAK_SEED=${seed} repeats its choices), ${kills} kills`
          )
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = Redacted.value((yield* alice.authentication).token)
          const submitted: Array<Submitted> = []
          // Whatever happens, nothing the tasks made stays in the cloud.
          yield* Effect.addFinalizer(() =>
            Effect.forEach(submitted, (t) => cleanUp(t.taskId, t.names), { concurrency: 4 }).pipe(
              asAlice(alice),
              Effect.interruptible
            )
          )

          const submit = Effect.gen(function* () {
            const count = yield* rng.nextIntBetween(1, 3)
            const name = uniqueName("kill")
            const accepted = yield* call("POST", "/servers", token, fullServers(name, count))
            expect(accepted.status).toBe(202)
            submitted.push({ taskId: (accepted.body as TaskBody).task.id, names: serverNames(name, count) })
          })

          // The workers' logs, kept when the test fails (explainStuck quotes them).
          const logDir = mkdtempSync(join(tmpdir(), `enamel-killloop-${seed}-`))
          yield* Effect.addFinalizer((exit) =>
            Effect.sync(() =>
              Exit.isSuccess(exit)
                ? rmSync(logDir, { recursive: true, force: true })
                : console.log(`kill loop: the workers' logs are in ${logDir}`)
            )
          )
          let generation = 0
          const workers = new Map<string, ChildProcess>()
          const witnesses: Witnesses = { live: workers, logDir }
          // The test stopped before its tasks ended (its time ran out, a check failed): where each stands.
          yield* Effect.addFinalizer((exit) =>
            Exit.isSuccess(exit)
              ? Effect.void
              : Effect.flatMap(unfinished(submitted.map((t) => t.taskId)), (open) =>
                  Effect.forEach(open, (id) =>
                    describeTask(
                      id,
                      "was unfinished when the test stopped (seen after its workers were killed: no consumers then)",
                      witnesses
                    )
                  )
                ).pipe(Effect.ignore)
          )
          const selfExits: Array<string> = []
          const spawnWorker = Effect.gen(function* () {
            const name = `kill-${seed}-${generation++}`
            const child = yield* startWorker(name, namespace, workerSettings, join(logDir, `${name}.log`))
            workers.set(name, child)
            // A worker that dies by itself (e.g. its admin port was taken) must not be counted as alive:
            // the loop would run on with fewer workers than it believes, down to none. The test's own
            // kills are SIGKILLs.
            child.once("exit", (code, signal) => {
              if (signal === "SIGKILL" || !workers.has(name)) return
              workers.delete(name)
              selfExits.push(`${name} (${code ?? signal})`)
              console.log(
                `kill loop: worker ${name} exited by itself (${code ?? signal}); its log ends:\n` +
                  readFileSync(join(logDir, `${name}.log`), "utf8")
                    .split("\n")
                    .slice(-15)
                    .join("\n")
              )
            })
          })
          // Three at a time: a killed worker's tasks go to one already running as soon as its lease ends.
          const spawning = yield* Effect.makeSemaphore(1)
          const topUp = spawning.withPermits(1)(
            Effect.whileLoop({
              while: () => workers.size < 3,
              body: () => spawnWorker,
              step: () => undefined
            })
          )
          yield* topUp
          yield* Effect.forkScoped(Effect.repeat(topUp, Schedule.spaced("1 second")))

          /** Waits until these tasks ended or run again under a live worker; how long that took. */
          const resumed = (taskIds: ReadonlyArray<string>) =>
            Effect.gen(function* () {
              const since = Date.now()
              const orphaned = Effect.gen(function* () {
                const open = yield* unfinished(taskIds)
                const live = (yield* leaseHolders).filter((h) => workers.has(h.leaseOwner)).map((h) => h.id)
                return open.filter((id) => !live.includes(id))
              })
              yield* eventually(orphaned, (left) => left.length === 0, {
                what: `a live worker to take over ${taskIds.join(", ")}`,
                every: "100 millis"
              })
              return Date.now() - since
            })
          const takeovers: Array<number> = []

          // Kill only a worker that holds a running task's lease, then count the kill if, with the worker
          // dead, that task is still RUNNING under its name: the kill certainly came mid-task. The next
          // kill's random delay starts once the tasks run again, so each resumed run gets somewhere.
          let midTask = 0
          let attempts = 0
          const cutOff = new Map<string, number>()
          const seenCutOff = new Set<string>()
          while (midTask < kills) {
            const running = yield* unfinished(submitted.map((t) => t.taskId))
            for (let i = running.length; i < parallel; i++) yield* submit
            yield* Effect.sleep(Duration.millis(yield* rng.nextIntBetween(500, 2501)))
            const holders = (yield* leaseHolders).filter((h) => workers.has(h.leaseOwner))
            const pick = holders[yield* rng.nextIntBetween(0, Math.max(1, holders.length))]
            const victim = pick === undefined ? undefined : workers.get(pick.leaseOwner)
            if (pick === undefined || victim === undefined) continue
            attempts++
            yield* killHard(victim)
            workers.delete(pick.leaseOwner)
            const held = (yield* leaseHolders)
              .filter((h) => h.leaseOwner === pick.leaseOwner)
              .map((h) => h.id)
            if (held.length > 0) {
              midTask++
              const stages = (yield* runningStages(held)).filter((r) => {
                const key = `${r.taskId}/${r.path}#${r.attempt}`
                return !seenCutOff.has(key) && seenCutOff.add(key)
              })
              const names = stages.map((r) => r.path.replace(/^server\[\d+\]\//, ""))
              for (const stage of names.length === 0 ? ["(between stages)"] : names) {
                cutOff.set(stage, (cutOff.get(stage) ?? 0) + 1)
              }
            }
            yield* topUp
            if (held.length > 0) {
              let takenOver = resumed(held)
              for (const id of held) takenOver = explainStuck(id, witnesses)(takenOver)
              takeovers.push(yield* takenOver)
            }
          }
          const killPhase = (Date.now() - started) / 1000

          const restarts = yield* totalRestarts
          let servers = 0
          for (const { taskId, names } of submitted) {
            const task = yield* finished(taskId, token).pipe(explainStuck(taskId, witnesses))
            expect(task.state, JSON.stringify(task.error)).toBe("SUCCEEDED")
            expect(task.result.servers).toHaveLength(names.length)
            const left = yield* asAlice(alice)(leftovers(taskId, names))
            expect({ taskId, servers: left.servers.length, volumes: left.volumes.length }).toEqual({
              taskId,
              servers: names.length,
              volumes: names.length
            })
            expect({ taskId, ports: left.ports.length, floatingIps: left.floating_ips.length }).toEqual({
              taskId,
              ports: names.length,
              floatingIps: names.length
            })
            servers += names.length
          }
          const built = (Date.now() - started) / 1000

          yield* Effect.forEach(
            submitted,
            ({ taskId }) =>
              Effect.gen(function* () {
                const task = yield* finished(taskId, token)
                for (const server of task.result.servers) {
                  const deleting = yield* call("DELETE", `/servers/${server.id}`, token)
                  expect(deleting.status).toBe(202)
                  const deleteId = (deleting.body as TaskBody).task.id
                  const deleted = yield* finished(deleteId, token).pipe(
                    explainStuck(deleteId, witnesses, "server.delete")
                  )
                  expect(deleted.state, JSON.stringify(deleted.error)).toBe("SUCCEEDED")
                }
              }),
            { concurrency: 4, discard: true }
          )
          for (const { taskId, names } of submitted) {
            expect(yield* asAlice(alice)(leftovers(taskId, names))).toEqual({
              servers: [],
              volumes: [],
              ports: [],
              floating_ips: []
            })
          }
          console.log(
            `kill loop: seed ${seed}: ${midTask} kills mid-task (${attempts} kills in all), ` +
              `${submitted.length} tasks, ${servers} servers, ${restarts} task restarts, ` +
              `${selfExits.length} workers exited by themselves ${JSON.stringify(selfExits)}, ` +
              `taken over after ${quantiles(takeovers)}, killed in ${killPhase.toFixed(0)} s, all built ${built.toFixed(0)} s, ` +
              `all deleted ${((Date.now() - started) / 1000).toFixed(0)} s; cut off in: ` +
              JSON.stringify(Object.fromEntries([...cutOff].sort((a, b) => b[1] - a[1])))
          )
          expect(midTask).toBeGreaterThanOrEqual(kills)
        }).pipe(Effect.timeout(bound)),
      { timeout: Duration.toMillis(bound) + 60_000 }
    )
  })
})
