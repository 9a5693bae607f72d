import { Effect, FiberRef, type Schema } from "effect"
import { executeStage } from "./executeStage.js"

export { pathTemplate } from "./paths.js"

import { FlowRun } from "./RunState.js"
import type { Stage } from "./Stage.js"

/** What a flow's checklist holds about a stage: its name and how its result is stored. */
export interface DeclaredStage {
  readonly name: string
  readonly result: Schema.Schema.AnyNoContext
}

/**
 * A flow: a typed program of stages for one task type. `program` is plain Effect code that calls
 * `Flow.stage` for every step; it must decide only from its params and its stages' results, so that
 * a resumed run takes the same path through the recorded stages.
 *
 * A flow is frozen once tasks of it may exist: a task records the `version` it was accepted with and is
 * run (and resumed) by that version only. Any change to the stage paths, a stage's result schema, the
 * params or the result makes a new version, kept beside the old one (see the package README).
 */
export interface Flow<I, O, E, R, II = unknown, OI = unknown> {
  /** The task type, also the routing key its messages travel under, e.g. `server.create`. */
  readonly type: string
  /** 1, 2, …: which version of the type's flow this is. */
  readonly version: number
  readonly params: Schema.Schema<I, II>
  readonly result: Schema.Schema<O, OI>
  /**
   * The checklist: every stage path the program may run, with indices written `[]`
   * (`server[]/network[]/createPort`), and the stage that runs there. When given, the runner refuses a
   * path or a stage that is not on it, and the flow's shape (what a new version must change) is this.
   */
  readonly stages?: Readonly<Record<string, DeclaredStage>>
  readonly program: (params: I) => Effect.Effect<O, E, R | FlowRun>
}

/** Declares a flow; version 1 unless given. */
export const make = <I, O, E, R, II, OI>(
  flow: Omit<Flow<I, O, E, R, II, OI>, "version"> & { readonly version?: number }
): Flow<I, O, E, R, II, OI> => ({ ...flow, version: flow.version ?? 1 })

/** The path prefix of the stages run by the current fiber, e.g. `["server[1]"]`. */
const currentScope = FiberRef.unsafeMake<ReadonlyArray<string>>([])

/** Runs a stage (or returns its recorded result) at `<scope>/<stage name>`. */
export const stage = <I, A, AI, E, R>(s: Stage<I, A, E, R, AI>, input: I) =>
  Effect.flatMap(FlowRun, (run) =>
    Effect.flatMap(FiberRef.get(currentScope), (scope) =>
      executeStage(run, s, input, [...scope, s.name].join("/"))
    )
  )

/** Runs `self` with its stages' paths under `name`: how a stage may appear more than once in a flow. */
export const scoped =
  (name: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locallyWith(self, currentScope, (scope) => [...scope, name])

/** Runs `f` for each item, at most `concurrency` at once, each under the scope `name[index]`. */
export const forEach = <T, A, E, R>(
  name: string,
  items: Iterable<T>,
  f: (item: T, index: number) => Effect.Effect<A, E, R>,
  options: { readonly concurrency: number }
): Effect.Effect<Array<A>, E, R> =>
  Effect.forEach(items, (item, index) => scoped(`${name}[${index}]`)(f(item, index)), {
    concurrency: options.concurrency
  })

/**
 * Runs branches at the same time. When one fails the others stop at their next stage boundary (waits
 * are cut off at once); whatever they completed is undone with the rest.
 */
export const parallel = <const T extends ReadonlyArray<Effect.Effect<unknown, unknown, unknown>>>(
  ...branches: T
) => Effect.all(branches, { concurrency: "unbounded" })
