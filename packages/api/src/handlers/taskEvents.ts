import { HttpServerResponse } from "@effect/platform"
import { type CheckpointError, type Checkpoints, TaskState, type TimelineEntry } from "@enamel/domain"
import type { TaskStore, TaskStoreError } from "@enamel/persistence"
import { Chunk, Effect, Option, Schedule, Stream } from "effect"
import { stagesDone } from "../tasks/progress.js"
import { taskView, timelineView } from "./views.js"

const encoder = new TextEncoder()

const frame = (event: string, data: unknown, id?: number) =>
  encoder.encode(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

/** How often a stream looks for new entries. */
const pollEvery = "200 millis"

/**
 * The task's timeline as it grows, until the task ends. Entries are ordered by seq; because two
 * fibers of one task may commit out of seq order, each poll re-reads from the seq two polls back and
 * skips what it already sent.
 */
export const taskEventStream = (
  store: TaskStore,
  checkpoints: Checkpoints.Checkpoints["Type"],
  taskId: string,
  lastEventId: number
): Stream.Stream<Uint8Array, TaskStoreError | CheckpointError> => {
  const sent = new Set<number>()
  let floors = [lastEventId, lastEventId]
  const poll = Effect.gen(function* () {
    const entries = yield* checkpoints.timeline(taskId, { afterSeq: floors[0] ?? lastEventId })
    const fresh = entries.filter((e: TimelineEntry) => e.seq > lastEventId && !sent.has(e.seq))
    for (const e of fresh) sent.add(e.seq)
    const top = Math.max(floors[1] ?? lastEventId, ...fresh.map((e) => e.seq))
    floors = [floors[1] ?? lastEventId, top]
    const task = yield* store.get(taskId)
    const ended = Option.exists(task, (t) => TaskState.isTerminal(t.state))
    const frames = fresh.map((e) => frame("stage", timelineView(e), e.seq))
    if (ended && Option.isSome(task)) {
      const done = stagesDone(yield* checkpoints.timeline(taskId))
      frames.push(frame("task", taskView(task.value, done)))
    }
    return { frames, ended }
  })
  return Stream.repeatEffectWithSchedule(poll, Schedule.spaced(pollEvery)).pipe(
    Stream.takeUntil((p) => p.ended),
    Stream.mapConcatChunk((p) => Chunk.fromIterable(p.frames))
  )
}

export const respond = (stream: Stream.Stream<Uint8Array, unknown>) =>
  HttpServerResponse.stream(stream, {
    contentType: "text/event-stream",
    headers: { "cache-control": "no-cache", "x-accel-buffering": "no" }
  })
