import { Metric, MetricBoundaries, MetricKey } from "effect"
import { family } from "./family.js"
import { durationBoundaries } from "./prometheus.js"

/**
 * What the runner measures. Labels are bounded: a stage is named by its path template (`server[]/
 * createPort`, indices dropped), never by a task.
 */

const stageDurationKey = MetricKey.histogram(
  "enamel_stage_duration_seconds",
  MetricBoundaries.fromIterable(durationBoundaries),
  "How long each stage attempt took, by stage (path template), phase (run or compensate) and outcome (succeeded, failed, interrupted)."
)

/** Every attempt of a stage or of its undo, by stage, phase (run, compensate) and outcome. */
export const stageDuration = Metric.fromMetricKey(stageDurationKey)
export const stageDurationOf = family(stageDurationKey, ["stage", "phase", "outcome"])

/** Undos that failed for good (after their retries): what they made is left in the cloud. */
export const undoFailures = Metric.counter("enamel_undo_failures_total", {
  description: "Undos (compensations) that failed after their retries, by stage (path template).",
  incremental: true
})
