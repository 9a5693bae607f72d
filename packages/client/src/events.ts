/**
 * A task's events as `GET /tasks/{id}/events` sends them: `event: stage` (`id:` the entry's seq, data a
 * timeline entry) for each write of its timeline, then `event: task` with the final task, and the stream
 * ends. Resumed from a seq with `Last-Event-ID`.
 */
import { TaskView, TimelineEntryView } from "@enamel/domain/contract"
import { Data, Effect, Schema, Stream } from "effect"
import { type EnamelClientError, EnamelUnexpectedAnswer, EnamelUnreachable } from "./errors.js"
import type { Transport } from "./http/transport.js"
import { parse, type ServerSentEvent } from "./sse.js"

/**
 * One event of a task: a write of its timeline (`Stage`, with its seq, the stream's event id; `null` for
 * an entry `waitForTask` read by polling, where the timeline carries no seq), or the task once it ended.
 */
export type TaskEvent = Data.TaggedEnum<{
  Stage: { readonly seq: number | null; readonly entry: TimelineEntryView }
  Task: { readonly task: TaskView }
}>
export const TaskEvent = Data.taggedEnum<TaskEvent>()

const readEntry = Schema.decodeUnknown(Schema.parseJson(TimelineEntryView))
const readTask = Schema.decodeUnknown(Schema.parseJson(TaskView))

const unexpected = (what: string) => () =>
  new EnamelUnexpectedAnswer({ detail: `the event stream sent ${what} the contract does not describe` })

/** The TaskEvent an event of the stream stands for; other event types are not the client's business. */
const taskEventOf = (event: ServerSentEvent): Effect.Effect<ReadonlyArray<TaskEvent>, EnamelClientError> => {
  switch (event.event) {
    case "stage": {
      const seq = Number(event.id)
      if (event.id === undefined || !Number.isSafeInteger(seq)) {
        return Effect.fail(unexpected("a stage event without a numeric id")())
      }
      return Effect.map(Effect.mapError(readEntry(event.data), unexpected("a stage")), (entry) => [
        TaskEvent.Stage({ seq, entry })
      ])
    }
    case "task":
      return Effect.map(Effect.mapError(readTask(event.data), unexpected("a task")), (task) => [
        TaskEvent.Task({ task })
      ])
    default:
      return Effect.succeed([])
  }
}

/**
 * The task's events from one connection, after `lastEventId` if given. It ends after the `Task` event; a
 * stream that ends before it was cut (a proxy's timeout, a restarting API) and fails `EnamelUnreachable`.
 */
export const taskEvents = (
  transport: Transport,
  taskId: string,
  lastEventId?: number
): Stream.Stream<TaskEvent, EnamelClientError> =>
  Stream.suspend(() => {
    let ended = false
    const headers: Record<string, string> = { accept: "text/event-stream" }
    if (lastEventId !== undefined) headers["last-event-id"] = String(lastEventId)
    return parse(transport.stream(`/tasks/${encodeURIComponent(taskId)}/events`, headers)).pipe(
      Stream.mapEffect(taskEventOf),
      Stream.flattenIterables,
      Stream.takeUntil((event) => {
        ended = event._tag === "Task"
        return ended
      }),
      Stream.concat(
        Stream.suspend(() =>
          ended
            ? Stream.empty
            : Stream.fail(
                new EnamelUnreachable({
                  url: transport.baseUrl,
                  detail: `the event stream of task ${taskId} ended before the task did`
                })
              )
        )
      ),
      Stream.withSpan("EnamelClient.events", { attributes: { "enamel.task_id": taskId } })
    )
  })
