/**
 * Tasks through the deployment's front door (HAProxy), as a dev-cloud user: `server.create` tasks of a
 * few servers each are started, awaited, counted in the cloud by their mark, deleted, and counted again.
 * What a fault must not cause is counted here, the same way for every fault and for the soak:
 * - lost: a task accepted (202) that never ends (or is gone);
 * - duplicates: a stage run to SUCCEEDED twice (two SUCCEEDED run entries at one path), or more of a
 *   resource in the cloud than the task asked for;
 * - leaks: anything with the task's mark still in the cloud after its servers were deleted.
 */
import { SqlClient } from "@effect/sql"
import { TaskState } from "@enamel/domain"
import { TaskDetailResponse, type TaskDetailView, TaskResponse } from "@enamel/domain/contract"
import type { SessionShape } from "@enamel/openstack-clients"
import { Data, Duration, Effect, Option, Schema } from "effect"
import { uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { cloudCount, fullServers, tokenOf } from "../e2e/enamel.js"
import { eventually } from "../support/poll.js"
import { send } from "./client.js"

/** The API could not be reached, or answered what the contract does not allow. */
export class ApiCallFailed extends Data.TaggedError("ApiCallFailed")<{
  readonly what: string
  readonly cause: unknown
}> {}

/** One request through HAProxy with the user's token; an answer never given is an ApiCallFailed. */
const request = (apiUrl: string, method: string, path: string, token: string, body?: unknown) =>
  Effect.mapError(
    send(apiUrl, method, path, { token, ...(body === undefined ? {} : { body }) }),
    (cause) => new ApiCallFailed({ what: `${method} ${path}`, cause })
  )

const decodeAccepted = Schema.decodeUnknown(TaskResponse)
const decodeDetail = Schema.decodeUnknown(TaskDetailResponse)

/** Sends a task-creating call; the task's id once the API answered 202. */
export const accept = (apiUrl: string, token: string, method: string, path: string, body?: unknown) =>
  Effect.gen(function* () {
    const answer = yield* request(apiUrl, method, path, token, body)
    if (answer.status !== 202) {
      return yield* new ApiCallFailed({
        what: `${method} ${path}`,
        cause: `answered ${answer.status}: ${JSON.stringify(answer.body)}`
      })
    }
    const decoded = yield* Effect.mapError(
      decodeAccepted(answer.body),
      (cause) => new ApiCallFailed({ what: `${method} ${path}`, cause })
    )
    return decoded.task.id
  })

/** The task as `GET /tasks/{id}` shows it, timeline included; None when the API does not know it. */
export const readTask = (apiUrl: string, token: string, taskId: string) =>
  Effect.gen(function* () {
    const answer = yield* request(apiUrl, "GET", `/tasks/${taskId}`, token)
    if (answer.status === 404) return Option.none<TaskDetailView>()
    if (answer.status !== 200) {
      return yield* new ApiCallFailed({
        what: `GET /tasks/${taskId}`,
        cause: `answered ${answer.status}: ${JSON.stringify(answer.body)}`
      })
    }
    const decoded = yield* Effect.mapError(
      decodeDetail(answer.body),
      (cause) => new ApiCallFailed({ what: `GET /tasks/${taskId}`, cause })
    )
    return Option.some(decoded.task)
  })

const ended = (task: Option.Option<TaskDetailView>) =>
  Option.match(task, {
    onNone: () => true,
    onSome: (t) => TaskState.terminalStates.some((state) => state === t.state)
  })

/**
 * The task once it ended; None when it did not end within `timeout` (or the API does not know it):
 * a lost task. The wait is not a retry: the task is read until it ends or the time is up.
 */
export const awaitEnd = (apiUrl: string, token: string, taskId: string, timeout: Duration.DurationInput) =>
  eventually(readTask(apiUrl, token, taskId), ended, {
    what: `task ${taskId} to end`,
    timeout,
    every: "250 millis"
  }).pipe(
    Effect.catchAllDefect(() => Effect.succeed(Option.none<TaskDetailView>())),
    Effect.map(Option.filter((t) => TaskState.terminalStates.some((state) => state === t.state)))
  )

/** The session's token now (it takes a new one when the one it holds is about to expire). */
const tokenNow = (user: SessionShape) => Effect.orDie(tokenOf(user))

/** A batch of `server.create` tasks: their ids and how many servers each asked for. */
export interface Batch {
  readonly label: string
  readonly servers: number
  readonly taskIds: ReadonlyArray<string>
}

/** Starts `tasks` tasks of `servers` full servers each (boot volume, port, floating IP). */
export const startTasks = (
  apiUrl: string,
  user: SessionShape,
  options: { readonly label: string; readonly tasks: number; readonly servers: number }
) =>
  Effect.gen(function* () {
    const token = yield* tokenNow(user)
    const label = uniqueName(options.label)
    const taskIds = yield* Effect.forEach(
      Array.from({ length: options.tasks }, (_, i) => i),
      (i) => accept(apiUrl, token, "POST", "/servers", fullServers(`${label}-${i}`, options.servers)),
      { concurrency: "unbounded" }
    )
    return { label, servers: options.servers, taskIds } satisfies Batch
  })

export interface Counts {
  readonly servers: number
  readonly volumes: number
  readonly ports: number
  readonly floatingIps: number
}

const total = (c: Counts) => c.servers + c.volumes + c.ports + c.floatingIps

/** What became of one task. */
export interface Outcome {
  readonly taskId: string
  /** Its end state; "LOST" when it never ended. */
  readonly state: string
  readonly error: unknown
  readonly asked: number
  /** What the cloud holds with the task's mark once it ended. */
  readonly made: Counts
  /** Run stage paths with more than one SUCCEEDED entry. */
  readonly twiceSucceeded: ReadonlyArray<string>
  /** Its servers' ids (to delete them). */
  readonly serverIds: ReadonlyArray<string>
  readonly timeline: TaskDetailView["timeline"]
  /** How many times another claim took it (crash, shutdown, lost lease): `tasks.restarts`. */
  readonly restarts: number
  /** From its acceptance to its end (0 when it never ended). */
  readonly seconds: number
}

/** Run stage paths recorded SUCCEEDED more than once: a stage that ran to completion twice. */
export const twiceSucceeded = (timeline: TaskDetailView["timeline"]) => {
  const succeeded = new Map<string, number>()
  for (const entry of timeline) {
    if (entry.phase === "run" && entry.state === "SUCCEEDED") {
      succeeded.set(entry.stage, (succeeded.get(entry.stage) ?? 0) + 1)
    }
  }
  return [...succeeded].filter(([, n]) => n > 1).map(([stage]) => stage)
}

const ServerIds = Schema.Struct({ servers: Schema.Array(Schema.Struct({ id: Schema.String })) })
const serverIdsOf = (result: unknown) =>
  Option.match(Schema.decodeUnknownOption(ServerIds)(result), {
    onNone: () => [],
    onSome: (r) => r.servers.map((s) => s.id)
  })

/** How many times each task was claimed again (`tasks.restarts`), read from the test database. */
export const restartsOf = (taskIds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ id: string; restarts: number }>`
      SELECT id::text, restarts FROM tasks WHERE id = ANY(${taskIds}::uuid[])`
    return new Map(rows.map((r) => [r.id, r.restarts]))
  }).pipe(Effect.orDie)

/** What the task made in the cloud and how it went, once it ended (or was lost). */
const outcomeOf = (taskId: string, asked: number, task: Option.Option<TaskDetailView>, user: SessionShape) =>
  Effect.map(Effect.orDie(cloudCount(taskId, user)), (made) =>
    Option.match(task, {
      onNone: () => ({
        taskId,
        state: "LOST",
        error: null,
        asked,
        made,
        twiceSucceeded: [],
        serverIds: [],
        timeline: [],
        restarts: 0,
        seconds: 0
      }),
      onSome: (t) => ({
        taskId,
        state: t.state,
        error: t.error,
        asked,
        made,
        twiceSucceeded: twiceSucceeded(t.timeline),
        serverIds: serverIdsOf(t.result),
        timeline: t.timeline,
        restarts: 0,
        seconds: t.ended_at === null ? 0 : (Date.parse(t.ended_at) - Date.parse(t.created_at)) / 1000
      })
    })
  )

/** Waits for every task of the batch (at once), and counts what each made. */
export const awaitBatch = (
  apiUrl: string,
  user: SessionShape,
  batch: Batch,
  timeout: Duration.DurationInput = Duration.minutes(3)
) =>
  Effect.gen(function* () {
    const token = yield* tokenNow(user)
    const outcomes = yield* Effect.forEach(
      batch.taskIds,
      (taskId) =>
        Effect.flatMap(awaitEnd(apiUrl, token, taskId, timeout), (task) =>
          outcomeOf(taskId, batch.servers, task, user)
        ),
      { concurrency: "unbounded" }
    )
    const restarts = yield* restartsOf(batch.taskIds)
    return outcomes.map((o): Outcome => ({ ...o, restarts: restarts.get(o.taskId) ?? 0 }))
  })

/** More of a resource than the task asked for, or a stage that succeeded twice. */
export const isDuplicated = (o: Outcome) =>
  o.twiceSucceeded.length > 0 ||
  o.made.servers > o.asked ||
  o.made.volumes > o.asked ||
  o.made.ports > o.asked ||
  o.made.floatingIps > o.asked

/**
 * Deletes the servers of every task (`DELETE /servers/{id}`, through the API) and waits for those
 * tasks; then counts what is left with each task's mark. Its leaks: tasks with anything left.
 */
export const deleteBatch = (
  apiUrl: string,
  user: SessionShape,
  outcomes: ReadonlyArray<Outcome>,
  timeout: Duration.DurationInput = Duration.minutes(2)
) =>
  Effect.gen(function* () {
    const token = yield* tokenNow(user)
    const deletes = yield* Effect.forEach(
      outcomes.flatMap((o) => o.serverIds),
      (id) => accept(apiUrl, token, "DELETE", `/servers/${id}`),
      { concurrency: "unbounded" }
    )
    const deleted = yield* Effect.forEach(deletes, (id) => awaitEnd(apiUrl, token, id, timeout), {
      concurrency: "unbounded"
    })
    const left = yield* Effect.forEach(
      outcomes,
      (o) => Effect.map(Effect.orDie(cloudCount(o.taskId, user)), (c) => [o.taskId, c] as const),
      { concurrency: 4 }
    )
    return {
      /** Delete tasks that did not succeed (or were lost). */
      failedDeletes: deleted.filter((d) => Option.isNone(d) || d.value.state !== "SUCCEEDED").length,
      left: new Map(left),
      leaks: left.filter(([, c]) => total(c) > 0).length
    }
  })

/** The figures of one batch, as the soak adds them up. */
export interface Tally {
  readonly tasks: number
  readonly succeeded: number
  readonly failed: number
  readonly lost: number
  readonly duplicates: number
  readonly leaks: number
  readonly takeovers: number
}

export const emptyTally: Tally = {
  tasks: 0,
  succeeded: 0,
  failed: 0,
  lost: 0,
  duplicates: 0,
  leaks: 0,
  takeovers: 0
}

export const addTally = (a: Tally, b: Tally): Tally => ({
  tasks: a.tasks + b.tasks,
  succeeded: a.succeeded + b.succeeded,
  failed: a.failed + b.failed,
  lost: a.lost + b.lost,
  duplicates: a.duplicates + b.duplicates,
  leaks: a.leaks + b.leaks,
  takeovers: a.takeovers + b.takeovers
})

export const tallyOf = (outcomes: ReadonlyArray<Outcome>, leaks: number): Tally => ({
  tasks: outcomes.length,
  succeeded: outcomes.filter((o) => o.state === "SUCCEEDED").length,
  failed: outcomes.filter((o) => o.state !== "SUCCEEDED" && o.state !== "LOST").length,
  lost: outcomes.filter((o) => o.state === "LOST").length,
  duplicates: outcomes.filter(isDuplicated).length,
  leaks,
  takeovers: outcomes.reduce((n, o) => n + o.restarts, 0)
})

/**
 * What every fault asserts of its batch: each task SUCCEEDED with exactly the servers, volumes, ports
 * and floating IPs it asked for, and no stage succeeded twice. Each property that does not hold, in words.
 */
export const exactViolations = (outcomes: ReadonlyArray<Outcome>) =>
  outcomes.flatMap((o) => {
    const wanted = { servers: o.asked, volumes: o.asked, ports: o.asked, floatingIps: o.asked }
    return [
      ...(o.state === "SUCCEEDED" ? [] : [`task ${o.taskId} ended ${o.state}: ${JSON.stringify(o.error)}`]),
      ...(JSON.stringify(o.made) === JSON.stringify(wanted)
        ? []
        : [`task ${o.taskId} made ${JSON.stringify(o.made)}, asked ${o.asked} of each`]),
      ...(o.twiceSucceeded.length === 0
        ? []
        : [`task ${o.taskId}: stages succeeded twice: ${o.twiceSucceeded.join(", ")}`])
    ]
  })

/**
 * The common end of every fault: waits for its batch, counts, deletes the servers and counts again.
 * The outcomes, the batch's figures, and what did not hold (not exact, not deleted, left behind).
 */
export const settleBatch = (
  apiUrl: string,
  user: SessionShape,
  batch: Batch,
  timeout: Duration.DurationInput = Duration.minutes(3)
) =>
  Effect.gen(function* () {
    const outcomes = yield* awaitBatch(apiUrl, user, batch, timeout)
    const deleteStart = Date.now()
    const deleted = yield* deleteBatch(apiUrl, user, outcomes)
    const deleteSeconds = (Date.now() - deleteStart) / 1000
    const violations = [
      ...exactViolations(outcomes),
      ...(deleted.failedDeletes === 0 ? [] : [`${deleted.failedDeletes} DELETE tasks did not succeed`]),
      ...[...deleted.left]
        .filter(([, c]) => total(c) > 0)
        .map(([id, c]) => `task ${id} left ${JSON.stringify(c)} after DELETE`)
    ]
    return { outcomes, tally: tallyOf(outcomes, deleted.leaks), violations, deleteSeconds }
  })

/** Services the batch helpers need: the test database, and the clients to count in the cloud. */
export type TasksServices = SqlClient.SqlClient | Effect.Effect.Context<ReturnType<typeof cloudCount>>
