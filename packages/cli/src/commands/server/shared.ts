import { Options } from "@effect/cli"
import type { EnamelClientShape } from "@enamel/client"
import type { TaskView } from "@enamel/domain/contract"
import { Effect, Either, Option } from "effect"
import { enamel } from "../../globals.js"
import { type UsageError, usage } from "../../input/UsageError.js"
import { printTask } from "../../render/formats.js"
import { line } from "../../render/Output.js"
import { titleOf, watchTask } from "../../watch.js"

/** What the `server …` commands share: --wait, --priority, --idempotency-key, and what follows a 202. */

export const described = <A>(options: Options.Options<A>, text: string) =>
  Options.withDescription(options, text)

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

/** The `Idempotency-Key` header, if given: 1–255 characters, as the API takes it (refused before a call). */
export const idempotencyHeaders = (
  key: Option.Option<string>
): Either.Either<{ readonly "idempotency-key"?: string }, UsageError> =>
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
