import { Checkpoints, type TimelineWrite } from "@enamel/domain"
import { Effect } from "effect"

/**
 * The checkpoint store as seen by a process that dies: once `dies(entry)` holds, that write (when
 * `afterWrite`, with the entries written together with it) and every later one are lost, and the run is
 * cut off as by SIGKILL.
 */
export const dyingStore = (dies: (entry: TimelineWrite) => boolean, afterWrite: boolean) =>
  Effect.map(Checkpoints.Checkpoints, (store) => {
    let dead = false
    return Checkpoints.Checkpoints.of({
      timeline: store.timeline,
      record: (entry) => {
        if (dead) return Effect.interrupt
        if (!dies(entry)) return store.record(entry)
        dead = true
        return afterWrite ? Effect.zipRight(store.record(entry), Effect.interrupt) : Effect.interrupt
      },
      recordAll: (entries) => {
        if (dead) return Effect.interrupt
        if (!entries.some(dies)) return store.recordAll(entries)
        dead = true
        return afterWrite ? Effect.zipRight(store.recordAll(entries), Effect.interrupt) : Effect.interrupt
      }
    })
  })
