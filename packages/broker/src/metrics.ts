import { Effect, Metric } from "effect"

/** Deliveries a consumer dead-lettered (unreadable, or given up), by topic. */
export const deadLettered = Metric.counter("enamel_deliveries_dead_lettered_total", {
  description: "Task messages dead-lettered by a worker (unreadable, or restarted too often), by topic.",
  incremental: true
})

/** Counts a dead-lettering on `topic`, then does it. */
export const countingDeadLetter = (topic: string, deadLetter: Effect.Effect<void>): Effect.Effect<void> => {
  const counter = Metric.tagged(deadLettered, "topic", topic)
  return Effect.zipRight(Metric.increment(counter), deadLetter)
}

/** Makes the topic's dead-letter series exist at 0 (a consumer subscribed to it). */
export const announceTopic = (topic: string): Effect.Effect<void> =>
  Metric.incrementBy(Metric.tagged(deadLettered, "topic", topic), 0)
