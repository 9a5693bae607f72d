import { Effect, Layer } from "effect"
import type { TimelineEntry, TimelineWrite } from "../task/TimelineEntry.js"
import { Checkpoints } from "./Checkpoints.js"

const keyOf = (e: TimelineWrite): string => `${e.phase}\u0000${e.path}\u0000${e.attempt}`

/** Checkpoints kept in this process's memory: for library users and unit tests. */
export const make = Effect.sync(() => {
  const tasks = new Map<string, Map<string, TimelineEntry>>()
  let seq = 0
  const write = (entry: TimelineWrite) => {
    seq += 1
    const entries = tasks.get(entry.taskId) ?? new Map<string, TimelineEntry>()
    tasks.set(entry.taskId, entries)
    entries.set(keyOf(entry), { ...entry, seq })
    return seq
  }
  return Checkpoints.of({
    record: (entry) => Effect.sync(() => write(entry)),
    recordAll: (entries) =>
      Effect.sync(() => {
        for (const entry of entries) write(entry)
      }),
    timeline: (taskId, options) =>
      Effect.sync(() =>
        [...(tasks.get(taskId)?.values() ?? [])]
          .filter((e) => e.seq > (options?.afterSeq ?? 0))
          .sort((a, b) => a.seq - b.seq)
      )
  })
})

export const layer: Layer.Layer<Checkpoints> = Layer.effect(Checkpoints, make)
