/**
 * Waiting for a task to end: follow its event stream; when the stream breaks (a connection reset, a
 * proxy's timeout, a restarting API) follow it again from the last event seen (`Last-Event-ID`), so no
 * event is missed or repeated; when it keeps breaking (a proxy that buffers or cuts streams), hold
 * `GET /tasks/{id}?wait=30` requests instead, one after another, each answered as soon as the task
 * ends, until it has. The answer is the ended task with its whole timeline.
 */
import { TaskState } from "@enamel/domain"
import type { TaskDetailView, TimelineEntryView } from "@enamel/domain/contract"
import { Duration, Effect, Schedule, Stream } from "effect"
import { type EnamelClientError, isTransient } from "./errors.js"
import { TaskEvent } from "./events.js"

/** Following the stream again after it broke: 0.1 s doubling, at most 2 s apart, 3 times in all. */
export const resumeStream = Schedule.exponential(Duration.millis(100), 2).pipe(
  Schedule.union(Schedule.spaced(Duration.seconds(2))),
  Schedule.intersect(Schedule.recurs(3)),
  Schedule.whileInput(isTransient)
)

/** Re-reading the task after a failed read: 0.2 s doubling, then every 2 s. */
export const pollTask = Schedule.exponential(Duration.millis(200), 2).pipe(
  Schedule.union(Schedule.spaced(Duration.seconds(2)))
)

/** How long each held read (`?wait=`) of the task may wait for it to end, once the stream is given up. */
export const holdSeconds = 30

/** A read that finds Enamel not answering tries again for up to 2 minutes (a restart, a proxy's 502). */
export const rideOutOutage = pollTask.pipe(
  Schedule.upTo(Duration.minutes(2)),
  Schedule.whileInput(isTransient)
)

export interface WaitOptions {
  /** Called with each event as it comes: each write of the timeline, then the ended task. */
  readonly onEvent?: (event: TaskEvent) => Effect.Effect<void>
}

/** What waiting needs of the client. */
export interface Reads {
  /** `GET /tasks/{id}`; with `waitSeconds`, answered once the task ended or after that long. */
  readonly getTask: (taskId: string, waitSeconds?: number) => Effect.Effect<TaskDetailView, EnamelClientError>
  readonly events: (taskId: string, lastEventId?: number) => Stream.Stream<TaskEvent, EnamelClientError>
}

/** A timeline entry's identity across its writes: one attempt of one phase of one stage. */
const entryKey = (entry: TimelineEntryView) => `${entry.phase} ${entry.stage} #${entry.attempt}`

export const waitForTask = (reads: Reads) =>
  Effect.fn("EnamelClient.waitForTask")(function* (taskId: string, options?: WaitOptions) {
    yield* Effect.annotateCurrentSpan("enamel.task_id", taskId)
    const onEvent = options?.onEvent ?? (() => Effect.void)
    // What was delivered so far: the stream's seqs, and each entry's last state (for polling's reads).
    const seen = new Set<number>()
    const states = new Map<string, TimelineEntryView["state"]>()
    let lastSeq: number | undefined
    let ended = false

    const deliver = (event: TaskEvent): Effect.Effect<void> =>
      TaskEvent.$match(event, {
        Stage: ({ seq, entry }) => {
          if (seq === null || seen.has(seq)) return Effect.void
          seen.add(seq)
          lastSeq = Math.max(lastSeq ?? seq, seq)
          states.set(entryKey(entry), entry.state)
          return onEvent(event)
        },
        Task: () => {
          ended = true
          return onEvent(event)
        }
      })

    // Each attempt resumes after the last event delivered, whichever connection delivered it.
    const follow = Stream.runForEach(
      Stream.suspend(() => reads.events(taskId, lastSeq)),
      deliver
    )
    yield* follow.pipe(
      Effect.retry(resumeStream),
      Effect.catchIf(isTransient, (error) =>
        Effect.logDebug(`task ${taskId}: the event stream keeps breaking (${error.message}); polling`)
      )
    )

    const readHeld = (waitSeconds?: number) =>
      Effect.retry(
        Effect.suspend(() => reads.getTask(taskId, waitSeconds)),
        rideOutOutage
      )
    if (ended) return yield* readHeld()

    // Held reads, one after another (the server answers each as soon as the task ends): the entries
    // whose state changed since they were last delivered, then the ended task.
    const poll = Effect.tap(readHeld(holdSeconds), (detail) =>
      Effect.forEach(
        detail.timeline,
        (entry) => {
          if (states.get(entryKey(entry)) === entry.state) return Effect.void
          states.set(entryKey(entry), entry.state)
          return onEvent(TaskEvent.Stage({ seq: null, entry }))
        },
        { discard: true }
      )
    )
    const detail = yield* Effect.repeat(
      poll,
      Schedule.recurUntil((task: TaskDetailView) => TaskState.isTerminal(task.state))
    )
    const { timeline: _timeline, ...task } = detail
    yield* onEvent(TaskEvent.Task({ task }))
    return detail
  })
