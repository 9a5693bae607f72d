import type { Effect, Schedule, Schema } from "effect"
import type { ErrorInfo } from "../errors.js"
import type { StageDetail } from "../task/TimelineEntry.js"

/** What the runner tells a stage about the attempt it is running. */
export interface StageContext {
  readonly taskId: string
  /** Where the stage sits in its flow, e.g. `server[1]/createBootVolume`; stable across restarts. */
  readonly path: string
  readonly attempt: number
  /**
   * `enamel-<task id>-<path>`, the same on every attempt and after a crash. Stages put it on what they
   * create (name, tag or metadata) so that a re-run finds and adopts it instead of creating a second one.
   */
  readonly idempotencyToken: string
  /**
   * When an earlier attempt of this stage was cut off (a crash) before its outcome was recorded: when it
   * started, in epoch milliseconds. What it asked the cloud for may still land after this attempt began
   * (see `adoptOrCreate`). Undefined otherwise.
   */
  readonly cutOffAttemptStartedAt: number | undefined
  /** Adds to this attempt's timeline detail, e.g. the OpenStack request ids of the calls made. */
  readonly annotate: (detail: Partial<StageDetail>) => Effect.Effect<void>
}

/**
 * A named, typed step of a flow. `run` creates something (or checks, or waits); `compensate`, given the
 * result `run` produced, undoes it. Results are stored Schema-encoded so any worker can resume.
 */
export interface Stage<in I, in out A, in out E, out R, in out AI = unknown> {
  readonly name: string
  /** How the result is stored: JSON-safe and never a secret. */
  readonly result: Schema.Schema<A, AI>
  readonly run: (input: I, context: StageContext) => Effect.Effect<A, E, R>
  /** Undoes `run`; must succeed when what it undoes is already gone (it may run again after a crash). */
  readonly compensate?: (result: A, context: StageContext) => Effect.Effect<void, unknown, R>
  /** Retries failed attempts of `run`; each attempt is recorded. */
  readonly retry?: Schedule.Schedule<unknown, E>
  /** Retries failed attempts of `compensate`. */
  readonly compensateRetry?: Schedule.Schedule<unknown, unknown>
  /**
   * A stage that only waits (e.g. for ACTIVE) and creates nothing: cancellation and failures elsewhere
   * interrupt it. Other stages are never cut off mid-flight; they finish and are then undone.
   */
  readonly waits?: boolean
  /**
   * Describes a failure of `run` or `compensate` for the timeline and the task's error, for errors that
   * carry no code of their own (e.g. a cloud's errors, given the error catalogue's codes). Without it, or
   * when it answers undefined, the runner uses the error's own `code` and `message`.
   */
  readonly describeError?: DescribeError
}

/** A failure as a stage describes it (the runner adds where it happened), or undefined. */
export type DescribeError = (error: unknown) => Omit<ErrorInfo, "stage"> | undefined

/** Declares a stage; the identity function, there for inference and for reading. */
export const make = <I, A, AI, E = never, R = never>(stage: Stage<I, A, E, R, AI>): Stage<I, A, E, R, AI> =>
  stage

export const idempotencyToken = (taskId: string, path: string): string => `enamel-${taskId}-${path}`
