/**
 * What the end-to-end tests that SIGKILL worker processes share: a pool of two worker processes serving
 * some topics (a killed one replaced at once), calls to the API as one user, and a task killed at a
 * stage (held there by stageHold.ts, its worker killed) then finished by another worker.
 */
import type { ChildProcess } from "node:child_process"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { expect } from "vitest"
import { call, finished, type TaskBody } from "./enamel.js"
import { holdAt } from "./stageHold.js"
import { killHard, startWorker } from "./workerProcesses.js"

/** Each attempt of the task's stage, in order: `attempt:state`. */
export const attempts = (taskId: string, path: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ attempt: number; state: string }>`
        SELECT attempt, state FROM task_timeline
        WHERE task_id = ${taskId} AND phase = 'run' AND path = ${path} ORDER BY attempt`,
      (rows) => rows.map((r) => `${r.attempt}:${r.state}`)
    )
  )

/** Sends a porcelain call with `token`, expects 202; the task's id. */
export const accepted = (token: string, method: string, path: string, payload?: unknown) =>
  Effect.gen(function* () {
    const answer = yield* call(method, path, token, payload)
    expect(answer.status, JSON.stringify(answer.body)).toBe(202)
    return (answer.body as TaskBody).task.id
  })

/** Waits for the task to end, expects SUCCEEDED; its result. */
export const succeededTask = (token: string, taskId: string) =>
  Effect.gen(function* () {
    const task = yield* finished(taskId, token)
    expect(task.state, JSON.stringify(task.error)).toBe("SUCCEEDED")
    return task.result as unknown
  })

/**
 * Two worker processes named after `label`, serving `topics` (ENAMEL_WORKER_TOPICS) with a short lease,
 * so that another takes a killed one's task within about two seconds; and `killedAt`, which sends a call,
 * kills the worker once the task is held at `stage` (its work done, its checkpoint not written), starts a
 * replacement, and waits for the task to succeed.
 */
export const killableWorkers = (label: string, namespace: string, topics: string, token: string) =>
  Effect.gen(function* () {
    const workers = new Map<string, ChildProcess>()
    let generation = 0
    const spawn = Effect.gen(function* () {
      const name = `${label}-${generation++}`
      workers.set(
        name,
        yield* startWorker(name, namespace, {
          ENAMEL_WORKER_TOPICS: topics,
          ENAMEL_LEASE_TTL: "1500 millis",
          ENAMEL_WORKER_RETRY_DELAY: "300 millis"
        })
      )
    })
    yield* spawn
    yield* spawn

    const started = Date.now()
    /** `beforeKill` runs while the task is held, before its worker is killed. */
    const killedAt = <E = never, R = never>(
      type: string,
      stage: string,
      method: string,
      path: string,
      payload?: unknown,
      beforeKill: Effect.Effect<void, E, R> = Effect.void
    ) =>
      Effect.gen(function* () {
        const held = yield* holdAt(type, stage, accepted(token, method, path, payload), ({ worker }) =>
          Effect.gen(function* () {
            yield* beforeKill
            const victim = workers.get(worker)
            expect(victim, `the worker ${worker} holding the task`).toBeDefined()
            if (victim !== undefined) yield* killHard(victim)
            workers.delete(worker)
          })
        )
        const at = ((Date.now() - started) / 1000).toFixed(0)
        console.log(
          `kills: ${label}: killed ${held.worker} at ${type} ${stage} (${held.taskId}) after ${at} s`
        )
        yield* spawn
        const result = yield* succeededTask(token, held.taskId)
        // The first attempt was cut off in doubt; another worker finished the stage. On a loaded machine
        // that worker may have stopped itself in between (a renewal slower than 5/6 of the short lease):
        // such an attempt is left INTERRUPTED, in doubt too, and never FAILED.
        const tried = yield* attempts(held.taskId, stage)
        expect(tried[0]).toBe("1:RUNNING")
        expect(tried.at(-1)).toBe(`${tried.length}:SUCCEEDED`)
        expect(
          tried.slice(1, -1).every((a) => a.endsWith(":INTERRUPTED")),
          tried.join(", ")
        ).toBe(true)
        if (tried.length > 2) console.log(`kills: ${label}: ${stage} attempts ${tried.join(", ")}`)
        return { taskId: held.taskId, result }
      })

    return { killedAt }
  })
