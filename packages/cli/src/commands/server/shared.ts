import { Args, Command, Options } from "@effect/cli"
import type { EnamelClientShape } from "@enamel/client"
import { OnFailure } from "@enamel/domain"
import type { DryRunResponse, TaskView } from "@enamel/domain/contract"
import { Effect, Either, Option } from "effect"
import { withClient } from "../../client.js"
import { enamel } from "../../globals.js"
import { parseId } from "../../input/ids.js"
import { type UsageError, usage } from "../../input/UsageError.js"
import { printPlan } from "../../render/dryRun.js"
import { printTask } from "../../render/formats.js"
import { line } from "../../render/Output.js"
import { titleOf, watchTask } from "../../watch.js"

/**
 * What the `server …` commands share: SERVER, --wait, --priority, --idempotency-key, the call that answers
 * 202 and what follows it, and the `remove` of what is attached to a server.
 */

export const described = <A>(options: Options.Options<A>, text: string) =>
  Options.withDescription(options, text)

export const serverArg = Args.text({ name: "SERVER" }).pipe(Args.withDescription("the server's id"))

export const wait = described(
  Options.boolean("wait"),
  "watch the task's stages until it ends; exit 0 only if it SUCCEEDED (Ctrl-C detaches, the task goes on)"
)

export const priority = described(
  Options.integer("priority").pipe(Options.optional),
  "the task's priority, 0–9 (default 5)"
)

export const idempotencyKey = described(
  Options.text("idempotency-key").pipe(Options.withPseudoName("KEY"), Options.optional),
  "the same key and flags give the same task instead of a second one"
)

export const dryRun = described(
  Options.boolean("dry-run"),
  "show the plan (names resolved to ids, what would be created, the quotas it needs) and create nothing"
)

export const onFailure = described(
  Options.choice("on-failure", OnFailure.literals).pipe(Options.optional),
  "keep: a stage that fails undoes nothing; the task ends FAILED and held, for `enamel task retry ID` or " +
    "`enamel task rollback ID` (default rollback: undo what it made)"
)

/**
 * The task-level options of every task-creating request (`on_failure`), as the call sends them: spread
 * into the body, or given as the query where the endpoint has no body. Only what was asked for: a
 * request without the flag stays what it was.
 */
export interface TaskOptions {
  readonly on_failure?: OnFailure
}

const taskOptions = (asked: Option.Option<OnFailure>): TaskOptions =>
  Option.match(asked, { onNone: () => ({}), onSome: (on_failure) => ({ on_failure }) })

/** The `Idempotency-Key` header, if given: 1–255 characters, as the API takes it (refused before a call). */
type IdempotencyHeaders = { readonly "idempotency-key"?: string }

/** What every porcelain call carries: the Idempotency-Key, and `?dry_run=true` with --dry-run. */
export interface RequestParts {
  readonly headers: IdempotencyHeaders
  readonly urlParams: { readonly dry_run?: boolean }
}

export const idempotencyHeaders = (
  key: Option.Option<string>
): Either.Either<IdempotencyHeaders, UsageError> =>
  Option.match(key, {
    onNone: () => Either.right({}),
    onSome: (value) =>
      value.length >= 1 && value.length <= 255
        ? Either.right({ "idempotency-key": value })
        : Either.left(usage(`--idempotency-key: must be 1 to 255 characters, not ${value.length}`))
  })

/** After the 202: the task, or with --wait its stages as they happen and its end. */
export const accepted = (client: EnamelClientShape, task: TaskView, waitForIt: boolean) =>
  Effect.gen(function* () {
    const globals = yield* enamel
    if (waitForIt) return yield* Effect.asVoid(watchTask(client, task.id, titleOf(task), globals))
    const { format } = globals
    yield* printTask(format, task)
    if (format === "table") yield* line(`Watch it: enamel task watch ${task.id}`)
  })

/**
 * One porcelain call with the `Idempotency-Key` of --idempotency-key, then what follows its 202; with
 * --dry-run, `?dry_run=true` and the plan printed instead (nothing is created, --wait has nothing to watch).
 */
export const submit = <E, R>(
  flags: {
    readonly idempotencyKey: Option.Option<string>
    readonly onFailure: Option.Option<OnFailure>
    readonly wait: boolean
    readonly dryRun: boolean
  },
  call: (
    client: EnamelClientShape,
    parts: RequestParts,
    options: TaskOptions
  ) => Effect.Effect<{ readonly task: TaskView } | DryRunResponse, E, R>
) =>
  Effect.gen(function* () {
    const headers = yield* idempotencyHeaders(flags.idempotencyKey)
    const urlParams = flags.dryRun ? { dry_run: true } : {}
    const options = taskOptions(flags.onFailure)
    yield* withClient((client) =>
      Effect.flatMap(call(client, { headers, urlParams }, options), (answer) =>
        "dry_run" in answer
          ? Effect.flatMap(enamel, (globals) => printPlan(globals.format, answer))
          : accepted(client, answer.task, flags.wait)
      )
    )
  })

/**
 * `enamel server <thing> remove SERVER ID` (or another verb: `server backup delete SERVER BACKUP`): one
 * call that removes something of the server's.
 */
export const removeCommand = <E, R>(spec: {
  /** The verb: `remove` unless said. */
  readonly name?: string
  /** The argument's name (VOLUME) and what it is, in a refusal's words (volume). */
  readonly arg: { readonly name: string; readonly what: string; readonly description: string }
  readonly description: string
  readonly detach: (
    client: EnamelClientShape,
    serverId: string,
    id: string,
    parts: RequestParts,
    options: TaskOptions
  ) => Effect.Effect<{ readonly task: TaskView } | DryRunResponse, E, R>
}) =>
  Command.make(
    spec.name ?? "remove",
    {
      server: serverArg,
      attached: Args.text({ name: spec.arg.name }).pipe(Args.withDescription(spec.arg.description)),
      idempotencyKey,
      onFailure,
      wait,
      dryRun
    },
    (flags) =>
      Effect.gen(function* () {
        const serverId = yield* parseId("server", flags.server)
        const id = yield* parseId(spec.arg.what, flags.attached)
        yield* submit(flags, (client, parts, options) => spec.detach(client, serverId, id, parts, options))
      })
  ).pipe(Command.withDescription(spec.description))
