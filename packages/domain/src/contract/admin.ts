/**
 * What `/admin/topics` and `/admin/drain` read and answer: per topic (a task type of the registry), the
 * fleet's desired setting, stored in PostgreSQL and applied by every worker within a second, and what
 * each live worker reported it runs at its last heartbeat.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import * as Input from "./input.js"

/** The most tasks of one topic a worker runs at once (the worker's admin RPC allows as many). */
export const maxConcurrency = 10_000

/** `{topic}`: any text; one that is not a task type of the registry is answered 404. */
export const topicParam = HttpApiSchema.param("topic", Input.pathParam(Schema.String))

/** What the fleet should run on a topic. */
export const DesiredSettingView = Schema.Struct({
  concurrency: Schema.Int.annotations({ description: "tasks of this topic each worker runs at once" }),
  paused: Schema.Boolean.annotations({ description: "workers take no new task of this topic" }),
  updated_at: Schema.NullOr(Schema.String).annotations({
    description: "when it was stored; null: nothing is stored yet, this is the command's default"
  }),
  updated_by: Schema.NullOr(Schema.String).annotations({
    description: "`user:<id>` (an operator) or `worker:<id>` (the first worker's ENAMEL_WORKER_TOPICS)"
  })
})
export type DesiredSettingView = typeof DesiredSettingView.Type

/** What one live worker runs on the topic, as of its last heartbeat. */
export const WorkerTopicView = Schema.Struct({
  id: Schema.String.annotations({ description: "the worker's ENAMEL_WORKER_ID" }),
  concurrency: Schema.Int,
  running: Schema.Int.annotations({ description: "tasks of this topic it was running" }),
  paused: Schema.Boolean,
  last_heartbeat: Schema.String
})
export type WorkerTopicView = typeof WorkerTopicView.Type

export const TopicView = Schema.Struct({
  topic: Schema.String,
  desired: DesiredSettingView,
  /** Workers that reported within the last three heartbeats; a worker that stopped is gone at once. */
  workers: Schema.Array(WorkerTopicView)
})
export type TopicView = typeof TopicView.Type

export const TopicListResponse = Schema.Struct({ topics: Schema.Array(TopicView) })
export const TopicResponse = Schema.Struct({ topic: TopicView })

/**
 * `PATCH /admin/topics/{topic}`: the fields given are stored, the others kept. Every change (even an
 * empty one) is applied by every worker, replacing what the per-worker admin RPC set.
 */
export const TopicChangeRequest = Input.body(
  Schema.Struct({
    concurrency: Schema.optional(Schema.Int.pipe(Schema.between(1, maxConcurrency))),
    paused: Schema.optional(Schema.Boolean)
  })
)
export type TopicChangeRequest = typeof TopicChangeRequest.Type
