import { metricFamily, Prometheus } from "@enamel/domain"
import { Clock, DateTime, Effect, Metric, MetricBoundaries, MetricKey } from "effect"
import type { TopicStats } from "./TopicPool.js"

/** What the worker measures of the tasks it ends. Labels are bounded: the task type and the end state. */

const tasksFinishedKey = MetricKey.counter("enamel_tasks_finished_total", {
  description: "Tasks a worker ended, by type and end state (SUCCEEDED, FAILED, CANCELLED, ...).",
  incremental: true
})
export const tasksFinished = Metric.fromMetricKey(tasksFinishedKey)
const finishedOf = metricFamily(tasksFinishedKey, ["type", "state"])

const taskDurationKey = MetricKey.histogram(
  "enamel_task_duration_seconds",
  MetricBoundaries.fromIterable(Prometheus.durationBoundaries),
  "From a task's acceptance to its end, by type and end state."
)
export const taskDuration = Metric.fromMetricKey(taskDurationKey)
const durationOf = metricFamily(taskDurationKey, ["type", "state"])

/** Tasks handed on because they ran longer than a delivery may stay unacknowledged. */
export const handedOn = Metric.counter("enamel_worker_tasks_handed_on_total", {
  description:
    "Tasks handed on to a fresh message because they ran longer than a delivery may stay unacknowledged.",
  incremental: true
})

/** Counts a task the worker ended, and how long it took since it was accepted (when that is known). */
export const recordFinished = (
  type: string,
  state: string,
  createdAt: DateTime.Utc | undefined
): Effect.Effect<void> => {
  const counted = Metric.increment(finishedOf(type, state))
  if (createdAt === undefined) return counted
  return Effect.zipRight(
    counted,
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Metric.update(durationOf(type, state), Math.max(0, now - DateTime.toEpochMillis(createdAt)) / 1000)
    )
  )
}

export const tasksRunning = Metric.gauge("enamel_worker_tasks_running", {
  description: "Tasks this worker runs now, by topic (read at scrape time)."
})

export const concurrency = Metric.gauge("enamel_worker_concurrency", {
  description: "The concurrency this worker's pool for a topic is set to (read at scrape time)."
})

export const paused = Metric.gauge("enamel_worker_paused", {
  description: "1 when this worker's pool for a topic is paused or drained, else 0 (read at scrape time)."
})

/** Sets the pools' gauges from their stats, at scrape time (`Prometheus.addSampler`). */
export const samplePools = (
  stats: Effect.Effect<ReadonlyArray<Pick<TopicStats, "topic" | "running" | "concurrency" | "paused">>>
): Effect.Effect<void> =>
  Effect.flatMap(stats, (all) =>
    Effect.forEach(
      all,
      (s) =>
        Effect.all([
          Metric.set(Metric.tagged(tasksRunning, "topic", s.topic), s.running),
          Metric.set(Metric.tagged(concurrency, "topic", s.topic), s.concurrency),
          Metric.set(Metric.tagged(paused, "topic", s.topic), s.paused ? 1 : 0)
        ]),
      { discard: true }
    )
  )
