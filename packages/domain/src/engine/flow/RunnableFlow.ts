import { Effect, JSONSchema, type ParseResult, Predicate, Record, Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"
import type { CheckpointError, ErrorInfo } from "../errors.js"
import type { OnFailure } from "../task/OnFailure.js"
import type * as Checkpoints from "./Checkpoints.js"
import type { Flow } from "./Flow.js"
import type { FlowRun } from "./RunState.js"
import { runFlow } from "./runFlow.js"

/** How a task ended, as it is written to its row: the flow's result or the compensation report, encoded. */
export interface Ending {
  readonly state: "SUCCEEDED" | "FAILED" | "CANCELLED" | "ROLLED_BACK"
  readonly result: unknown
  readonly error: ErrorInfo | null
  /** FAILED with what it made kept (`on_failure: "keep"`): a retry or a rollback may take it up. */
  readonly held?: boolean
}

/**
 * What a flow version looks like to a task that is resumed by it: its stage paths with each stage's
 * result schema, and its params and result schemas. A change to any of these needs a new version; the
 * committed shapes (one file per version) make a change without one fail the fast tests.
 */
export interface FlowShape {
  readonly type: string
  readonly version: number
  readonly params: unknown
  readonly result: unknown
  /** Path template → the stage's name and its result schema. */
  readonly stages: Readonly<Record<string, { readonly stage: string; readonly result: unknown }>>
}

/** Words for people (descriptions, titles, examples): a change to them changes no stored data. */
const wording = new Set(["description", "title", "examples", "$comment"])

const withoutWording = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map(withoutWording)
  if (!Predicate.isRecord(json)) return json
  return Record.fromEntries(
    Object.entries(json)
      .filter(([key]) => !wording.has(key))
      .map(([key, value]) => [key, withoutWording(value)])
  )
}

/**
 * A schema as the shape compares it: its JSON Schema (types, required fields, ranges, patterns, lengths)
 * without the words for people; the schema's own text where it has no JSON Schema (a custom type).
 * A custom filter (a predicate) is not seen: one that would refuse stored data needs a new version too.
 */
const describe = (schema: Schema.Schema.AnyNoContext): unknown => {
  try {
    return withoutWording(JSONSchema.make(schema))
  } catch {
    return String(schema.ast)
  }
}

/**
 * A flow with its types closed over: what a registry holds and a worker runs, whatever the flow's params
 * and result are. Params go in and results come out Schema-encoded, as they are stored.
 */
export interface RunnableFlow<R> {
  readonly type: string
  readonly version: number
  /** Undefined for a flow that declares no checklist (only registered flows must). */
  readonly shape: FlowShape | undefined
  /** Checks params given as the flow takes them and encodes them for storage. */
  readonly encodeParams: (params: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
  /**
   * Runs the task from its stored params, or resumes it from its checkpoints. Params that do not decode
   * end the task at once (FAILED, `task.invalid_params`).
   */
  readonly run: (options: {
    readonly taskId: string
    readonly params: unknown
    readonly cancellation?: Effect.Effect<void>
    /** The task's options for a failure, and the state a user's retry or rollback left it in. */
    readonly onFailure?: OnFailure
    readonly retries?: number
    readonly rollingBack?: boolean
  }) => Effect.Effect<Ending, CheckpointError, R | Checkpoints.Checkpoints>
}

export const shapeOf = <I, O, E, R, II, OI>(flow: Flow<I, O, E, R, II, OI>): FlowShape | undefined => {
  const stages = flow.stages
  if (stages === undefined) return undefined
  return {
    type: flow.type,
    version: flow.version,
    params: describe(flow.params),
    result: describe(flow.result),
    stages: Record.fromEntries(
      Object.keys(stages)
        .sort()
        .flatMap((path) => {
          const stage = stages[path]
          return stage === undefined ? [] : [[path, { stage: stage.name, result: describe(stage.result) }]]
        })
    )
  }
}

/** Closes a flow's types over, for a registry or a worker. */
export const runnable = <I, O, E, R, II, OI>(
  flow: Flow<I, O, E, R, II, OI>
): RunnableFlow<Exclude<R, FlowRun>> => {
  const encodeParams = Schema.encodeUnknown(flow.params)
  const decodeParams = Schema.decodeUnknown(flow.params)
  const encodeResult = Schema.encode(flow.result)
  return {
    type: flow.type,
    version: flow.version,
    shape: shapeOf(flow),
    encodeParams,
    run: ({ taskId, params, cancellation, onFailure, retries, rollingBack }) =>
      Effect.gen(function* () {
        const decoded = yield* Effect.either(decodeParams(params))
        if (decoded._tag === "Left") {
          return {
            state: "FAILED",
            result: null,
            error: { code: ErrorCode.taskInvalidParams, message: decoded.left.message }
          } satisfies Ending
        }
        const outcome = yield* runFlow(flow, {
          taskId,
          params: decoded.right,
          ...(cancellation === undefined ? {} : { cancellation }),
          ...(onFailure === undefined ? {} : { onFailure }),
          ...(retries === undefined ? {} : { retries }),
          ...(rollingBack === undefined ? {} : { rollingBack })
        })
        switch (outcome._tag) {
          case "Succeeded":
            return {
              state: "SUCCEEDED",
              result: yield* Effect.orDie(encodeResult(outcome.result)),
              error: null
            } satisfies Ending
          case "Failed":
            return {
              state: "FAILED",
              result: { compensation: outcome.compensation },
              error: outcome.error
            } satisfies Ending
          case "Held":
            return { state: "FAILED", result: null, error: outcome.error, held: true } satisfies Ending
          case "RolledBack":
            return {
              state: "ROLLED_BACK",
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
                  error: {
                    code: ErrorCode.stageFailed,
                    message: `cancelled, but ${outcome.compensation.failed.length} undo(s) failed`
                  }
                } satisfies Ending)
        }
      })
  }
}
