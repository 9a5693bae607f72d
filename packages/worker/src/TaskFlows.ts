import type { CheckpointError, Checkpoints, Ending, ErrorInfo, RunnableFlow } from "@enamel/domain"
import type { TaskRecord } from "@enamel/persistence"
import { Context, Data, Effect, Layer, type Scope } from "effect"

export type { Ending } from "@enamel/domain"

/** What a flow needs per task (e.g. the user's session from their key) could not be had right now. */
export class EnvironmentUnavailable extends Data.TaggedError("EnvironmentUnavailable")<{
  readonly cause: unknown
}> {}

/**
 * What a flow needs per task can never be had (e.g. the user's key is gone): the task fails at once with
 * this error, instead of being retried until its restarts run out.
 */
export class TaskCannotRun extends Data.TaggedError("TaskCannotRun")<{ readonly error: ErrorInfo }> {}

/** A flow version the worker can run, with the per-task environment it needs. */
export interface TaskFlow {
  readonly type: string
  readonly version: number
  readonly run: (
    task: TaskRecord,
    cancellation: Effect.Effect<void>
  ) => Effect.Effect<Ending, CheckpointError | EnvironmentUnavailable, Checkpoints.Checkpoints | Scope.Scope>
}

/**
 * Adapts a flow version for the worker: builds the flow's per-task environment, then runs (or resumes)
 * the task from its stored params.
 */
export const taskFlow = <R, RE, RIn>(
  flow: RunnableFlow<R>,
  environment: (task: TaskRecord) => Layer.Layer<R, RE, RIn>
) =>
  Effect.map(Effect.context<RIn>(), (context) => {
    const run: TaskFlow["run"] = (task, cancellation) =>
      Effect.gen(function* () {
        // In the task's scope, released when the task ends. `context` holds the scope the worker was
        // built in (open until the process stops): built in that one, every task's environment stayed
        // there for good, a finalizer and all it holds per task.
        const scope = yield* Effect.scope
        const built = yield* Effect.either(
          Layer.buildWithScope(environment(task), scope).pipe(Effect.provide(context))
        )
        if (built._tag === "Left") {
          if (built.left instanceof TaskCannotRun) {
            return { state: "FAILED", result: null, error: built.left.error } satisfies Ending
          }
          return yield* new EnvironmentUnavailable({ cause: built.left })
        }
        return yield* flow
          .run({
            taskId: task.id,
            params: task.params,
            cancellation,
            onFailure: task.onFailure,
            retries: task.retries,
            rollingBack: task.state === "ROLLING_BACK"
          })
          .pipe(Effect.provide(built.right))
      })
    return { type: flow.type, version: flow.version, run } satisfies TaskFlow
  })

/** The flow versions this worker runs. */
export interface Flows {
  /** The flow of the task's type and version, if this worker has it. */
  readonly get: (type: string, version: number) => TaskFlow | undefined
  /** The versions of a type this worker has (empty: it does not know the type). */
  readonly versions: (type: string) => ReadonlyArray<number>
}

/** The flows this worker knows, by task type and version. */
export class TaskFlows extends Context.Tag("@enamel/worker/TaskFlows")<TaskFlows, Flows>() {}

/** The flows of a list, looked up by type and version. */
export const fromList = (all: ReadonlyArray<TaskFlow>): Flows => {
  const byKey = new Map(all.map((f) => [`${f.type}@${f.version}`, f]))
  return TaskFlows.of({
    get: (type, version) => byKey.get(`${type}@${version}`),
    versions: (type) => all.filter((f) => f.type === type).map((f) => f.version)
  })
}

export const layer = <E, R>(flows: ReadonlyArray<Effect.Effect<TaskFlow, E, R>>) =>
  Layer.effect(TaskFlows, Effect.map(Effect.all(flows), fromList))
