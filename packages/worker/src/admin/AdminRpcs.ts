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

/** The worker's admin contract (@effect/rpc over HTTP): look, tune, pause, resume, drain. */
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
