import { Prometheus } from "@enamel/domain"
import { Clock, DateTime, Effect, Metric, MetricBoundaries, MetricLabel } from "effect"

/** What the worker measures of the tasks it ends. Labels are bounded: the task type and the end state. */

export const tasksFinished = Metric.counter("enamel_tasks_finished_total", {
  description: "Tasks a worker ended, by type and end state (SUCCEEDED, FAILED, CANCELLED, ...).",
  incremental: true
})

export const taskDuration = Metric.histogram(
  "enamel_task_duration_seconds",
  MetricBoundaries.fromIterable(Prometheus.durationBoundaries),
  "From a task's acceptance to its end, by type and end state."
)

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
  const labels = [MetricLabel.make("type", type), MetricLabel.make("state", state)]
  const counted = Metric.increment(Metric.taggedWithLabels(tasksFinished, labels))
  if (createdAt === undefined) return counted
  return Effect.zipRight(
    counted,
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Metric.update(
        Metric.taggedWithLabels(taskDuration, labels),
        Math.max(0, now - DateTime.toEpochMillis(createdAt)) / 1000
      )
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
