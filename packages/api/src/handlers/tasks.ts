import { HttpApiBuilder } from "@effect/platform"
import { Checkpoints, ErrorCode, type Task, TaskState } from "@enamel/domain"
import {
  type Caller,
  CurrentCaller,
  EnamelApi,
  Policy as PolicyRules,
  ServiceUnavailable
} from "@enamel/domain/contract"
import {
  CallbackStore,
  type HeldAction,
  HeldTasks,
  OutboxRelay,
  type TaskFilter,
  TaskProgress,
  TaskStore,
  TaskWaiters
} from "@enamel/persistence"
import { Duration, Effect } from "effect"
import { Policy } from "../policy/Policy.js"
import { stagesDone } from "../tasks/progress.js"
import { badRequest, conflict, notFound, unavailable } from "./storeErrors.js"
import { respond, taskEventStream } from "./taskEvents.js"
import { taskView, timelineView } from "./views.js"

/** Every project's tasks: `?all_projects=true`, and any task by id. */
const allProjects = PolicyRules.rule("enamel:task:all_projects")

/** The states a worker runs a task in (or will): `state=active`, the list's default. */
const active = TaskState.TaskState.literals.filter((state) => !TaskState.isTerminal(state))

export const layer = HttpApiBuilder.group(EnamelApi, "tasks", (handlers) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const checkpoints = yield* Checkpoints.Checkpoints
    const progress = yield* TaskProgress
    const waiters = yield* TaskWaiters
    const held = yield* HeldTasks
    const relay = yield* OutboxRelay
    const callbacks = yield* CallbackStore
    const policy = yield* Policy

    /**
     * Those who pass `enamel:task:all_projects` (admins) see any task by id; everyone else only their
     * project's (others get 404, not 403).
     */
    const visibleProject = (caller: Caller) =>
      policy.permits(allProjects, caller) ? undefined : caller.projectId

    /** The task, if the caller may see it; another project's task is a 404 like a missing one. */
    const visibleTask = (id: string) =>
      Effect.flatMap(CurrentCaller, (caller) =>
        store.findByProject(id, visibleProject(caller)).pipe(
          Effect.catchTags({
            TaskNotFound: (e) => Effect.fail(notFound(e)),
            TaskStoreError: () => Effect.fail(unavailable())
          })
        )
      )

    /** The task's view with its stages done, for an answer that has not read its timeline. */
    const withProgress = (task: Task) =>
      progress.stagesDone([task.id]).pipe(
        Effect.mapBoth({
          onFailure: () => unavailable(),
          onSuccess: (done) => taskView(task, done.get(task.id) ?? 0)
        })
      )

    const cancel = (id: string) =>
      Effect.gen(function* () {
        const caller = yield* CurrentCaller
        const task = yield* store.requestCancel(id, visibleProject(caller)).pipe(
          Effect.catchTags({
            TaskNotFound: (e) => Effect.fail(notFound(e)),
            TaskNotCancellable: (e) => Effect.fail(conflict(e)),
            TaskStoreError: () => Effect.fail(unavailable())
          })
        )
        return { task: yield* withProgress(task) }
      })

    /** Retry or roll back a held task; visible as cancel is (another project's task is a 404). */
    const takeUp = (action: HeldAction, id: string) =>
      Effect.gen(function* () {
        const caller = yield* CurrentCaller
        const task = yield* held[action](id, visibleProject(caller)).pipe(
          Effect.catchTags({
            TaskNotFound: (e) => Effect.fail(notFound(e)),
            TaskNotHeld: (e) => Effect.fail(conflict(e)),
            TaskStoreError: () => Effect.fail(unavailable())
          })
        )
        yield* relay.nudge
        // The task will end again: its callback (if any) sends that end too.
        yield* callbacks.reopen(task.id).pipe(Effect.mapError(() => unavailable()))
        return { task: yield* withProgress(task) }
      })

    return handlers
      .handle("listTasks", ({ urlParams }) =>
        Effect.gen(function* () {
          const caller = yield* CurrentCaller
          if (urlParams.all_projects === true) yield* policy.enforce(allProjects, caller)
          const limit = urlParams.limit ?? 100
          // The tasks of a resource are wanted whatever became of them.
          const state = urlParams.state ?? (urlParams.resource === undefined ? "active" : "all")
          const filter: TaskFilter = {
            limit,
            ...(urlParams.all_projects === true ? {} : { projectId: caller.projectId }),
            ...(urlParams.scope === "project" || urlParams.all_projects === true
              ? {}
              : { userId: caller.userId }),
            ...(state === "all" ? {} : { states: state === "active" ? active : [state] }),
            ...(urlParams.type === undefined ? {} : { type: urlParams.type }),
            ...(urlParams.marker === undefined ? {} : { marker: urlParams.marker }),
            ...(urlParams.resource === undefined ? {} : { resource: urlParams.resource })
          }
          const tasks = yield* store.list(filter).pipe(
            Effect.catchTags({
              MarkerNotFound: (e) => Effect.fail(badRequest(e)),
              TaskStoreError: () => Effect.fail(unavailable())
            })
          )
          // One statement for the page's progress, not one per task.
          const done = yield* progress
            .stagesDone(tasks.map((task) => task.id))
            .pipe(Effect.mapError(() => unavailable()))
          const last = tasks[tasks.length - 1]
          const next = new URLSearchParams()
          for (const [key, value] of Object.entries(urlParams)) {
            if (value !== undefined && key !== "marker") next.set(key, String(value))
          }
          if (last !== undefined) next.set("marker", last.id)
          return {
            tasks: tasks.map((task) => taskView(task, done.get(task.id) ?? 0)),
            tasks_links:
              tasks.length === limit && last !== undefined ? [{ rel: "next", href: `/tasks?${next}` }] : []
          }
        })
      )
      .handle("getTask", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const seen = yield* visibleTask(path.id)
          // ?wait=: held (sharing the task's one wake-up) until it ends, then read again as it is now.
          const wait = urlParams.wait ?? 0
          const task =
            wait === 0 || TaskState.isTerminal(seen.state)
              ? seen
              : yield* waiters
                  .awaitEnd(seen.id, Duration.seconds(wait))
                  .pipe(Effect.zipRight(visibleTask(seen.id)))
          const timeline = yield* Effect.mapError(
            checkpoints.timeline(task.id),
            () =>
              new ServiceUnavailable({
                code: ErrorCode.serviceUnavailable,
                detail: "the timeline is unavailable"
              })
          )
          return {
            task: { ...taskView(task, stagesDone(timeline)), timeline: timeline.map(timelineView) }
          }
        })
      )
      .handleRaw("taskEvents", ({ path, headers }) =>
        Effect.gen(function* () {
          const task = yield* visibleTask(path.id)
          return respond(taskEventStream(store, checkpoints, task.id, headers["last-event-id"] ?? 0))
        })
      )
      .handle("cancelTask", ({ path }) => cancel(path.id))
      .handle("deleteTask", ({ path }) => cancel(path.id))
      .handle("retryTask", ({ path }) => takeUp("retry", path.id))
      .handle("rollbackTask", ({ path }) => takeUp("rollback", path.id))
  })
)
