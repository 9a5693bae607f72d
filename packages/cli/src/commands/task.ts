import { Args, Command, Options } from "@effect/cli"
import { TaskState } from "@enamel/domain"
import { Effect, Option } from "effect"
import { withClient } from "../client.js"
import { enamel } from "../globals.js"
import { parseId } from "../input/ids.js"
import { usage } from "../input/UsageError.js"
import { printTask, printTaskDetail, printTaskList } from "../render/formats.js"
import { titleOf, watchTask } from "../watch.js"
import { retry, rollback } from "./taskHeld.js"

/** `enamel task list|show|watch|cancel|retry|rollback`: the tasks the porcelain calls made. */

const id = Args.text({ name: "ID" }).pipe(Args.withDescription("the task's id"))

const list = Command.make(
  "list",
  {
    state: Options.choice("state", [...TaskState.TaskState.literals, "active"]).pipe(
      Options.optional,
      Options.withDescription("only tasks in this state (default: active, i.e. not ended)")
    ),
    all: Options.boolean("all").pipe(Options.withDescription("tasks in any state, ended ones too")),
    project: Options.boolean("project").pipe(
      Options.withDescription("the whole project's tasks, not only yours")
    ),
    type: Options.text("type").pipe(
      Options.optional,
      Options.withDescription("only tasks of this type (server.create, server.delete, …)")
    ),
    limit: Options.integer("limit").pipe(
      Options.optional,
      Options.withDescription("at most this many (1–1000, default 100)")
    ),
    resource: Options.text("resource").pipe(
      Options.optional,
      Options.withDescription(
        "the tasks that made, changed or deleted this resource (server, volume, port, floating IP, network id), in any state"
      )
    )
  },
  (flags) =>
    Effect.gen(function* () {
      if (flags.all && Option.isSome(flags.state)) {
        return yield* usage("give --state S or --all, not both")
      }
      const limit = Option.getOrUndefined(flags.limit)
      if (limit !== undefined && !(limit >= 1 && limit <= 1000)) {
        return yield* usage(`--limit ${limit}: must be from 1 to 1000`)
      }
      const state = flags.all ? "all" : Option.getOrUndefined(flags.state)
      const resource = Option.isSome(flags.resource)
        ? yield* parseId("resource", flags.resource.value)
        : undefined
      const { format } = yield* enamel
      yield* withClient((client) =>
        Effect.flatMap(
          client.api.tasks.listTasks({
            urlParams: {
              ...(state === undefined ? {} : { state }),
              ...(flags.project ? { scope: "project" as const } : {}),
              ...Option.match(flags.type, { onNone: () => ({}), onSome: (type) => ({ type }) }),
              ...(limit === undefined ? {} : { limit }),
              ...(resource === undefined ? {} : { resource })
            }
          }),
          (answer) => printTaskList(format, answer.tasks)
        )
      )
    })
).pipe(Command.withDescription("List your tasks (those not ended, unless --state or --all)."))

const show = Command.make("show", { id }, ({ id }) =>
  Effect.gen(function* () {
    const taskId = yield* parseId("task", id)
    const { format } = yield* enamel
    yield* withClient((client) =>
      Effect.flatMap(client.api.tasks.getTask({ path: { id: taskId }, urlParams: {} }), (answer) =>
        printTaskDetail(format, answer.task)
      )
    )
  })
).pipe(Command.withDescription("Show a task: its state, error, result and timeline."))

const watch = Command.make("watch", { id }, ({ id }) =>
  Effect.gen(function* () {
    const taskId = yield* parseId("task", id)
    yield* withClient((client) =>
      Effect.gen(function* () {
        const { task } = yield* client.api.tasks.getTask({ path: { id: taskId }, urlParams: {} })
        yield* watchTask(client, task.id, titleOf(task), yield* enamel)
      })
    )
  })
).pipe(
  Command.withDescription(
    "Watch a task's stages until it ends (at once if it has); exit 0 only if it SUCCEEDED. Ctrl-C detaches."
  )
)

const cancel = Command.make("cancel", { id }, ({ id }) =>
  Effect.gen(function* () {
    const taskId = yield* parseId("task", id)
    const { format } = yield* enamel
    yield* withClient((client) =>
      Effect.flatMap(client.api.tasks.cancelTask({ path: { id: taskId } }), (answer) =>
        printTask(format, answer.task)
      )
    )
  })
).pipe(
  Command.withDescription(
    "Cancel a task: it stops at its next stage and undoes what it made (watch it to see it end)."
  )
)

export const task = Command.make("task").pipe(
  Command.withDescription("Tasks: list, show, watch and cancel them; retry or roll back a held one."),
  Command.withSubcommands([list, show, watch, cancel, retry, rollback])
)
