import { Args, Command, Options } from "@effect/cli"
import { Admin } from "@enamel/domain/contract"
import { Effect, Option } from "effect"
import { withClient } from "../client.js"
import { enamel } from "../globals.js"
import { usage } from "../input/UsageError.js"
import { printFields, printRows } from "../render/formats.js"
import { line } from "../render/Output.js"
import type { Cell } from "../render/table.js"

/**
 * `enamel admin topic list|set`, `enamel admin drain`: operators tune the workers, per topic (a task
 * type): the desired concurrency and pause every worker applies, beside what each live worker reports.
 * The admin role only.
 */

type TopicView = Admin.TopicView

const topicHeader = [
  "Topic",
  "Concurrency",
  "Paused",
  "Worker",
  "Worker concurrency",
  "Running",
  "Last heartbeat"
]

/** One row per live worker of each topic; a topic no worker runs has one row without a worker. */
const topicRows = (topics: ReadonlyArray<TopicView>): ReadonlyArray<ReadonlyArray<Cell>> =>
  topics.flatMap((t) => {
    const desired = [t.topic, t.desired.concurrency, t.desired.paused] as const
    return t.workers.length === 0
      ? [[...desired, null, null, null, null]]
      : t.workers.map((w) => [
          ...desired,
          w.id,
          w.paused ? `${w.concurrency} (paused)` : w.concurrency,
          w.running,
          w.last_heartbeat
        ])
  })

const printTopics = (topics: ReadonlyArray<TopicView>) =>
  Effect.flatMap(enamel, ({ format }) => printRows(format, topicHeader, topicRows(topics), topics))

const list = Command.make("list", {}, () =>
  withClient((client) => Effect.flatMap(client.api.admin.listTopics(), ({ topics }) => printTopics(topics)))
).pipe(
  Command.withDescription(
    "Every topic: the desired concurrency and pause, and each live worker's concurrency, running tasks and last heartbeat."
  )
)

/** The most tasks of a topic a worker may run at once (as the API allows). */
const { maxConcurrency } = Admin

const set = Command.make(
  "set",
  {
    topic: Args.text({ name: "TOPIC" }).pipe(
      Args.withDescription("a task type: server.create, server.delete, …")
    ),
    concurrency: Options.integer("concurrency").pipe(
      Options.optional,
      Options.withDescription(`tasks of this topic each worker runs at once (1–${maxConcurrency})`)
    ),
    pause: Options.boolean("pause").pipe(Options.withDescription("workers take no new task of this topic")),
    resume: Options.boolean("resume").pipe(Options.withDescription("workers take tasks of this topic again"))
  },
  (flags) =>
    Effect.gen(function* () {
      if (flags.pause && flags.resume) return yield* usage("give --pause or --resume, not both")
      const concurrency = Option.getOrUndefined(flags.concurrency)
      if (concurrency !== undefined && !(concurrency >= 1 && concurrency <= maxConcurrency)) {
        return yield* usage(`--concurrency ${concurrency}: must be from 1 to ${maxConcurrency}`)
      }
      if (concurrency === undefined && !flags.pause && !flags.resume) {
        return yield* usage("nothing to set: give --concurrency N, --pause or --resume")
      }
      const { format } = yield* enamel
      yield* withClient((client) =>
        Effect.gen(function* () {
          const { topic } = yield* client.api.admin.setTopic({
            path: { topic: flags.topic },
            payload: {
              ...(concurrency === undefined ? {} : { concurrency }),
              ...(flags.pause ? { paused: true } : flags.resume ? { paused: false } : {})
            }
          })
          yield* printFields(
            format,
            [
              ["topic", topic.topic],
              ["concurrency", topic.desired.concurrency],
              ["paused", topic.desired.paused],
              ["updated_at", topic.desired.updated_at],
              ["updated_by", topic.desired.updated_by],
              ["workers", topic.workers.length]
            ],
            topic
          )
        })
      )
    })
).pipe(
  Command.withDescription(
    "Set a topic's concurrency, or pause or resume it: every worker applies it within a second."
  )
)

const drain = Command.make("drain", {}, () =>
  withClient((client) =>
    Effect.gen(function* () {
      const { topics } = yield* client.api.admin.drain()
      yield* printTopics(topics)
      const { format } = yield* enamel
      if (format === "table") {
        yield* line(
          "Every topic is paused; running tasks finish. Drained when no worker runs any (enamel admin topic list);\n" +
            "resume a topic with: enamel admin topic set TOPIC --resume"
        )
      }
    })
  )
).pipe(Command.withDescription("Pause every topic: workers take no new task; running ones finish."))

const topic = Command.make("topic").pipe(
  Command.withDescription("Topics (task types) and the workers that run them."),
  Command.withSubcommands([list, set])
)

export const admin = Command.make("admin").pipe(
  Command.withDescription("Operators (the admin role): tune and drain the workers."),
  Command.withSubcommands([topic, drain])
)
