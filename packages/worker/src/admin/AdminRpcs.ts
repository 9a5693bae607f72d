import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"

export const TopicStats = Schema.Struct({
  topic: Schema.String,
  concurrency: Schema.Int,
  paused: Schema.Boolean,
  running: Schema.Int,
  completed: Schema.Int,
  connected: Schema.Boolean
})

export class UnknownTopicError extends Schema.TaggedError<UnknownTopicError>()("UnknownTopicError", {
  topic: Schema.String
}) {}

const Topic = Schema.Struct({ topic: Schema.String })

/**
 * One worker's admin contract (@effect/rpc over HTTP): look, tune, pause, resume, drain. For the fleet,
 * use the API's `/admin/topics` instead: it stores the desired setting, which every worker applies.
 *
 * Precedence: what these calls set holds for this worker only, in memory, until the topic's stored
 * setting next changes (any `PATCH /admin/topics/{topic}`, even an empty one, or `POST /admin/drain`);
 * then the worker takes the stored setting, as every worker does. A restarted worker starts from the
 * stored setting. `Drain` is the exception: a drained worker stays paused, whatever is stored, until it
 * exits (it is being taken out of service).
 */
export class AdminRpcs extends RpcGroup.make(
  Rpc.make("Stats", { success: Schema.Array(TopicStats) }),
  Rpc.make("SetConcurrency", {
    payload: { topic: Schema.String, concurrency: Schema.Int.pipe(Schema.between(1, 10_000)) },
    error: UnknownTopicError
  }),
  Rpc.make("Pause", { payload: Topic, error: UnknownTopicError }),
  Rpc.make("Resume", { payload: Topic, error: UnknownTopicError }),
  Rpc.make("Drain", {})
) {}
