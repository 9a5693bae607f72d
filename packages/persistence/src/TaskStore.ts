import type { Statement } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import {
  ErrorCode,
  ErrorInfo,
  type OnFailure,
  Task,
  TaskId,
  TaskNotFound,
  TaskState,
  TaskType
} from "@enamel/domain"
import { TraceContext } from "@enamel/telemetry"
import { Data, type DateTime, Effect, Option, Queue, Schema } from "effect"
import { groupCommit } from "./groupCommit.js"
import * as NamedStatements from "./pg/NamedStatements.js"
import * as TaskResources from "./TaskResources.js"
import * as TaskStateSql from "./taskStateSql.js"

/** A task as the store keeps it: the public Task plus the key store's reference to the user's key. */
export const TaskRecord = Schema.Struct({
  ...Task.fields,
  keyRef: Schema.NullOr(Schema.String),
  requestHash: Schema.NullOr(Schema.String),
  cancelRequestedAt: Schema.NullOr(Schema.DateTimeUtc),
  /** How many times a user retried the task after it failed and was held (`HeldTasks.retry`). */
  retries: Schema.Int
})
export type TaskRecord = typeof TaskRecord.Type

export const Row = Schema.Struct({
  ...TaskRecord.fields,
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate,
  startedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  endedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  cancelRequestedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  params: Schema.Unknown,
  result: Schema.Unknown,
  error: Schema.NullOr(ErrorInfo)
})

export interface NewTask {
  readonly id: string
  readonly type: string
  /** The version of the type's flow that will run it. */
  readonly flowVersion: number
  readonly projectId: string
  readonly userId: string
  readonly priority: number
  /** The flow's params, Schema-encoded. */
  readonly params: unknown
  readonly keyRef: string | null
  readonly idempotencyKey: string | null
  /** A digest of the request body: the same key with another body is a conflict. */
  readonly requestHash: string | null
  /** The broker message announcing the task, published by the outbox relay. */
  readonly message: string
  /** What the task does when a stage fails for good; `rollback` when not given. */
  readonly onFailure?: OnFailure
  /** The W3C trace context of the request that made it; `create` takes the current span's. */
  readonly traceparent?: string | null
}

export interface TaskFilter {
  /** Absent: every project (admins only). */
  readonly projectId?: string
  readonly userId?: string
  readonly states?: ReadonlyArray<TaskState.TaskState>
  readonly type?: string
  /** The tasks that made, changed or deleted this resource (see TaskResources.ts). */
  readonly resource?: string
  readonly limit: number
  readonly marker?: string
}

/** Internal: the API answers it as service.unavailable, the worker runs the task later. */
export class TaskStoreError extends Data.TaggedError("TaskStoreError")<{ readonly cause: unknown }> {
  override get message() {
    return "the task store is unavailable"
  }
}

export class IdempotencyConflict extends Data.TaggedError("IdempotencyConflict")<{
  readonly taskId: string
}> {
  readonly code = ErrorCode.taskIdempotencyConflict
  override get message() {
    return `this Idempotency-Key was used for a different request (task ${this.taskId})`
  }
}

export class MarkerNotFound extends Data.TaggedError("MarkerNotFound")<{ readonly marker: string }> {
  readonly code = ErrorCode.taskMarkerNotFound
  override get message() {
    return `marker ${this.marker} not found`
  }
}

export class TaskNotCancellable extends Data.TaggedError("TaskNotCancellable")<{
  readonly taskId: string
  readonly state: string
}> {
  readonly code = ErrorCode.taskNotCancellable
  override get message() {
    return `task ${this.taskId} is already ${this.state}`
  }
}

export const columns = `id::text, type, flow_version, state, project_id, user_id, priority, params, result, error, key_ref, request_hash,
  cancel_requested_at, created_at, updated_at, started_at, ended_at, on_failure, held, retries`

/**
 * One statement, so one round trip and atomic: the tasks and their outbox rows (a data-modifying WITH
 * always runs). A task whose Idempotency-Key is already used writes nothing and gets no row back. The
 * batch goes as one JSON document ($1), so every batch size is the same statement, prepared once per
 * connection (pg/NamedStatements.ts), and encoding it is one `JSON.stringify` (thirteen arrays cost
 * node-postgres an escaped array literal each). Only what the database makes comes back (the id, to
 * match, and the time); the rest of the task is what was asked (`accepted`), not a decoded copy of it.
 */
const acceptText = `
  WITH input AS (
    SELECT * FROM json_to_recordset($1::json)
      AS i (id uuid, type text, flow_version integer, project_id text, user_id text, priority smallint,
            params jsonb, key_ref text, idempotency_key text, request_hash text, message text,
            on_failure text, traceparent text)
  ), inserted AS (
    INSERT INTO tasks (id, type, flow_version, state, project_id, user_id, priority, params, key_ref,
                       idempotency_key, request_hash, created_at, updated_at, on_failure)
    SELECT id, type, flow_version, ${TaskStateSql.initial}, project_id, user_id,
           priority, params, key_ref, idempotency_key, request_hash, now(), now(), on_failure
    FROM input
    ON CONFLICT (project_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, created_at
  ), queued AS (
    INSERT INTO task_outbox (task_id, routing_key, priority, payload, traceparent)
    SELECT input.id, input.type, input.priority, input.message, input.traceparent
    FROM inserted JOIN input USING (id)
  )
  SELECT id::text AS id, created_at AS "createdAt" FROM inserted`

/** What the accept statement returns: what the database made. */
const Made = Schema.Array(Schema.Struct({ id: Schema.String, createdAt: Schema.DateTimeUtcFromDate }))
const decodeMade = Schema.decodeUnknown(Made)

/** A task's row in the accept statement's JSON input: keys as its column list names them. */
const inputRow = (task: NewTask) => ({
  id: task.id,
  type: task.type,
  flow_version: task.flowVersion,
  project_id: task.projectId,
  user_id: task.userId,
  priority: task.priority,
  params: task.params,
  key_ref: task.keyRef,
  idempotency_key: task.idempotencyKey,
  request_hash: task.requestHash,
  message: task.message,
  on_failure: task.onFailure ?? "rollback",
  traceparent: task.traceparent ?? null
})

/** The task as the accept statement wrote it: as asked, with the table's defaults, made at `createdAt`. */
const accepted = (task: NewTask, createdAt: DateTime.Utc): TaskRecord => ({
  id: TaskId.make(task.id),
  type: TaskType.make(task.type),
  flowVersion: task.flowVersion,
  state: TaskState.initialState,
  projectId: task.projectId,
  userId: task.userId,
  priority: task.priority,
  params: task.params,
  result: null,
  error: null,
  createdAt,
  updatedAt: createdAt,
  startedAt: null,
  endedAt: null,
  onFailure: task.onFailure ?? "rollback",
  held: false,
  keyRef: task.keyRef,
  requestHash: task.requestHash,
  cancelRequestedAt: null,
  retries: 0
})

export const OUTBOX_CHANNEL = "enamel_outbox"
export const CANCEL_CHANNEL = "enamel_cancel"

/** Tasks in PostgreSQL, shared by the API (create, read, cancel) and the worker (run). */
export class TaskStore extends Effect.Service<TaskStore>()("@enamel/persistence/TaskStore", {
  scoped: Effect.gen(function* () {
    const sql = yield* PgClient.PgClient
    const storeDown = (cause: unknown) => new TaskStoreError({ cause })
    const decodeRows = Schema.decodeUnknown(Schema.Array(Row))
    const rows = <E, R>(statement: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
      Effect.flatMap(statement, (r) => Effect.orDie(decodeRows(r)))

    const accept = yield* NamedStatements.make<object>("enamel_accept_tasks", acceptText)
    /** One statement for the batch; the tasks it did not write (a used Idempotency-Key) answer undefined. */
    const insertMany = (tasks: ReadonlyArray<NewTask>) =>
      Effect.map(
        Effect.flatMap(accept([JSON.stringify(tasks.map(inputRow))]), (rows) =>
          Effect.orDie(decodeMade(rows))
        ),
        (made) => {
          const byId = new Map(made.map((row) => [row.id, row.createdAt]))
          return tasks.map((task) => {
            const createdAt = byId.get(task.id)
            return createdAt === undefined ? undefined : accepted(task, createdAt)
          })
        }
      )

    /**
     * Concurrent accepts share statements (group commit); see groupCommit.ts. Two writers, not four: at
     * 50 callers their larger batches cost 2–10% less CPU per task (five alternating rounds, 2026-12-07).
     */
    const insert = yield* groupCommit({
      writeMany: insertMany,
      writeOne: (task: NewTask) => Effect.map(insertMany([task]), ([created]) => created),
      writers: 2,
      maxBatch: 128
    })

    /**
     * Wakes relays in other processes, in a transaction of its own: a NOTIFY holds a lock that serialises
     * every notifying commit in the database until it is on disk, which capped accepting at a few hundred
     * tasks per second (pgbench on this statement, 10 clients: 400–1,000/s with the NOTIFY inside,
     * 2,600–4,800/s with it after). Best effort: the relays also sweep. The payload (the topic) must not be
     * empty: sql-pg's listen drops notifications with an empty payload.
     *
     * Coalesced, off the request: one fiber sends them, one at a time, each for every topic committed
     * since the last one started, so every commit is followed by a wake-up that starts after it, while
     * under load a statement per accepted task (half the writes to PostgreSQL, which took 16% of the
     * API's CPU at 1,000 tasks/s) becomes one per round trip.
     */
    const committedTopics = new Set<string>()
    const wakeUp = yield* Queue.sliding<void>(1)
    const sendWakeUps = Effect.gen(function* () {
      yield* wakeUp.take
      const topics = [...committedTopics]
      committedTopics.clear()
      yield* Effect.forEach(
        topics,
        (topic) => Effect.ignore(sql`SELECT pg_notify(${OUTBOX_CHANNEL}, ${topic})`),
        {
          discard: true
        }
      )
    })
    // A background loop (one NOTIFY for many requests' tasks): no trace of its own.
    yield* Effect.forkScoped(
      Effect.forever(
        Effect.catchAllCause(sendWakeUps, (cause) => Effect.logWarning("could not wake other relays", cause))
      ).pipe(Effect.withTracerEnabled(false))
    )
    const wakeRelays = (topic: string) =>
      Effect.zipRight(
        Effect.sync(() => committedTopics.add(topic)),
        wakeUp.offer(undefined)
      )

    const byIdempotencyKey = (task: Pick<NewTask, "projectId" | "userId" | "idempotencyKey">) =>
      rows(sql`SELECT ${sql.literal(columns)} FROM tasks
               WHERE project_id = ${task.projectId} AND user_id = ${task.userId}
                 AND idempotency_key = ${task.idempotencyKey}`)

    /**
     * The task an Idempotency-Key already names for this user and request, if any: a repeated request is
     * answered with it before anything is checked again (the server it deleted is gone by then). The same
     * key with another request is a conflict.
     */
    const findRepeated = Effect.fn("TaskStore.findRepeated")(function* (
      request: Pick<NewTask, "projectId" | "userId" | "idempotencyKey" | "requestHash">
    ) {
      if (request.idempotencyKey === null) return Option.none<TaskRecord>()
      const [existing] = yield* Effect.mapError(byIdempotencyKey(request), storeDown)
      if (existing === undefined) return Option.none<TaskRecord>()
      if (existing.requestHash !== request.requestHash)
        return yield* new IdempotencyConflict({ taskId: existing.id })
      return Option.some<TaskRecord>(existing)
    })

    const create = Effect.fn("TaskStore.create")(function* (task: NewTask) {
      // Taken here, in the request's fiber: the group commit writes from fibers of its own.
      const traceparent = task.traceparent ?? (yield* TraceContext.current)
      const created = yield* Effect.mapError(insert({ ...task, traceparent }), storeDown)
      if (created !== undefined) {
        yield* wakeRelays(task.type)
        return { task: created, created: true }
      }
      const [existing] = yield* Effect.mapError(byIdempotencyKey(task), storeDown)
      if (existing === undefined) return yield* Effect.dieMessage("idempotency key conflict without a task")
      if (existing.requestHash !== task.requestHash)
        return yield* new IdempotencyConflict({ taskId: existing.id })
      return { task: existing, created: false }
    })

    const get = Effect.fn("TaskStore.get")(function* (id: string) {
      const found = yield* Effect.mapError(
        rows(sql`SELECT ${sql.literal(columns)} FROM tasks WHERE id = ${id}`),
        storeDown
      )
      return Option.fromNullable(found[0])
    })

    const findByProject = (id: string, projectId: string | undefined) =>
      Effect.flatMap(get(id), (found) =>
        Option.isSome(found) && (projectId === undefined || found.value.projectId === projectId)
          ? Effect.succeed(found.value)
          : Effect.fail(new TaskNotFound({ taskId: id }))
      )

    const list = Effect.fn("TaskStore.list")(function* (filter: TaskFilter) {
      const clauses: Array<Statement.Fragment> = []
      if (filter.projectId !== undefined) clauses.push(sql`project_id = ${filter.projectId}`)
      if (filter.userId !== undefined) clauses.push(sql`user_id = ${filter.userId}`)
      if (filter.states !== undefined) clauses.push(sql.in("state", filter.states))
      if (filter.type !== undefined) clauses.push(sql`type = ${filter.type}`)
      if (filter.resource !== undefined) clauses.push(TaskResources.touching(sql, filter.resource))
      if (filter.marker !== undefined) {
        const marker = yield* get(filter.marker)
        if (
          Option.isNone(marker) ||
          (filter.projectId !== undefined && marker.value.projectId !== filter.projectId)
        ) {
          return yield* new MarkerNotFound({ marker: filter.marker })
        }
        clauses.push(sql`(created_at, id) < (SELECT created_at, id FROM tasks WHERE id = ${filter.marker})`)
      }
      const where = clauses.length === 0 ? sql`TRUE` : sql.and(clauses)
      return yield* Effect.mapError(
        rows(sql`SELECT ${sql.literal(columns)} FROM tasks WHERE ${where}
                 ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`),
        storeDown
      )
    })

    /**
     * PENDING → CANCELLED at once (nothing ran); RUNNING → CANCELLING (the worker undoes and ends it);
     * a CANCELLING task stays so. The statement alone decides, by `TaskState.cancel`; only when it
     * refuses is the task read, to say why (not found, or ended).
     */
    const requestCancel = Effect.fn("TaskStore.requestCancel")(function* (
      id: string,
      projectId: string | undefined
    ) {
      const visible = projectId === undefined ? sql`TRUE` : sql`project_id = ${projectId}`
      const [updated] = yield* Effect.mapError(
        rows(sql`
          UPDATE tasks SET
            state = ${TaskStateSql.cancel.next},
            ended_at = CASE WHEN ${TaskStateSql.cancel.ends} THEN now() ELSE ended_at END,
            cancel_requested_at = coalesce(cancel_requested_at, now()),
            updated_at = now()
          WHERE id = ${id} AND ${visible} AND ${TaskStateSql.cancel.applies}
          RETURNING ${sql.literal(columns)}`),
        storeDown
      )
      if (updated === undefined) {
        const task = yield* findByProject(id, projectId)
        return yield* new TaskNotCancellable({ taskId: id, state: task.state })
      }
      yield* Effect.mapError(sql`SELECT pg_notify(${CANCEL_CHANNEL}, ${id})`, storeDown)
      return updated
    })

    return { create, findRepeated, get, findByProject, list, requestCancel } as const
  })
}) {}

export const layer = TaskStore.Default
