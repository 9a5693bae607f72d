import {
  type CheckpointError,
  type Checkpoints,
  describeError,
  ErrorCode,
  type ErrorInfo,
  type Flow,
  type FlowRun,
  runFlow
} from "@enamel/domain"
import type { TaskRecord } from "@enamel/persistence"
import { Context, Data, Effect, Layer, Schema, type Scope } from "effect"

/** How a task ended, as it is written to its row. */
export interface Ending {
  readonly state: "SUCCEEDED" | "FAILED" | "CANCELLED"
  readonly result: unknown
  readonly error: ErrorInfo | null
}

/** What a flow needs per task (e.g. the user's session from their key) could not be had right now. */
export class EnvironmentUnavailable extends Data.TaggedError("EnvironmentUnavailable")<{
  readonly cause: unknown
}> {}

/**
 * What a flow needs per task can never be had (e.g. the user's key is gone): the task fails at once with
 * this error, instead of being retried until its restarts run out.
 */
export class TaskCannotRun extends Data.TaggedError("TaskCannotRun")<{ readonly error: ErrorInfo }> {}

/** A flow the worker can run, with its types erased behind the task's stored params and result. */
export interface TaskFlow {
  readonly type: string
  readonly run: (
    task: TaskRecord,
    cancellation: Effect.Effect<void>
  ) => Effect.Effect<Ending, CheckpointError | EnvironmentUnavailable, Checkpoints.Checkpoints | Scope.Scope>
}

/**
 * Adapts a flow for the worker: decodes the task's params (a task whose params do not decode fails at
 * once), builds the flow's per-task environment, runs it, and encodes the outcome.
 */
export const taskFlow = <I, O, E, R, II, OI, RE, RIn>(
  flow: Flow.Flow<I, O, E, R, II, OI>,
  environment: (task: TaskRecord) => Layer.Layer<Exclude<R, FlowRun>, RE, RIn>
) =>
  Effect.map(Effect.context<RIn>(), (context) => {
    const run: TaskFlow["run"] = (task, cancellation) =>
      Effect.gen(function* () {
        const params = yield* Effect.either(Schema.decodeUnknown(flow.params)(task.params))
        if (params._tag === "Left") {
          return {
            state: "FAILED",
            result: null,
            error: { code: "task.invalid_params", message: params.left.message }
          } satisfies Ending
        }
        const built = yield* Effect.either(Layer.build(environment(task)).pipe(Effect.provide(context)))
        if (built._tag === "Left") {
          if (built.left instanceof TaskCannotRun) {
            return { state: "FAILED", result: null, error: built.left.error } satisfies Ending
          }
          return yield* new EnvironmentUnavailable({ cause: built.left })
        }
        const services = built.right
        const outcome = yield* runFlow(flow, { taskId: task.id, params: params.right, cancellation }).pipe(
          Effect.provide(services)
        )
        switch (outcome._tag) {
          case "Succeeded":
            return {
              state: "SUCCEEDED",
              result: yield* Effect.orDie(Schema.encode(flow.result)(outcome.result)),
              error: null
            } satisfies Ending
          case "Failed":
            return {
              state: "FAILED",
              result: { compensation: outcome.compensation },
              error: outcome.error
            } satisfies Ending
          case "Cancelled":
            // A cancel whose undo failed leaves something behind: that is a failure the user must see.
            return outcome.compensation.failed.length === 0
              ? ({
                  state: "CANCELLED",
                  result: { compensation: outcome.compensation },
                  error: null
                } satisfies Ending)
              : ({
                  state: "FAILED",
                  result: { compensation: outcome.compensation },
                  error: describeError({
                    code: ErrorCode.stageFailed,
                    message: `cancelled, but ${outcome.compensation.failed.length} undo(s) failed`
                  })
                } satisfies Ending)
        }
      })
    return { type: flow.type, run } satisfies TaskFlow
  })

/** The flows this worker knows, by task type. */
export class TaskFlows extends Context.Tag("@enamel/worker/TaskFlows")<
  TaskFlows,
  ReadonlyMap<string, TaskFlow>
>() {}

export const layer = <E, R>(flows: ReadonlyArray<Effect.Effect<TaskFlow, E, R>>) =>
  Layer.effect(
    TaskFlows,
    Effect.map(Effect.all(flows), (all) => new Map(all.map((f) => [f.type, f])))
  )
