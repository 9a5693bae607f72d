import { Data, Effect } from "effect"
import * as TopicPool from "./TopicPool.js"
import { Topics, WorkerSettings } from "./WorkerSettings.js"

export class UnknownTopic extends Data.TaggedError("UnknownTopic")<{ readonly topic: string }> {}

/** Every topic this worker consumes (ENAMEL_WORKER_TOPICS), each with its own pool. */
export class WorkerPools extends Effect.Service<WorkerPools>()("@enamel/worker/WorkerPools", {
  scoped: Effect.gen(function* () {
    const topics = yield* Topics
    const settings = yield* WorkerSettings
    const pools = new Map<string, TopicPool.TopicPool>()
    for (const [topic, concurrency] of topics)
      pools.set(topic, yield* TopicPool.make(topic, concurrency, settings.grace))
    const pool = (topic: string) => {
      const found = pools.get(topic)
      return found === undefined ? Effect.fail(new UnknownTopic({ topic })) : Effect.succeed(found)
    }
    return {
      stats: Effect.forEach(pools.values(), (p) => p.stats),
      setConcurrency: (topic: string, n: number) => Effect.flatMap(pool(topic), (p) => p.setConcurrency(n)),
      pause: (topic: string) => Effect.flatMap(pool(topic), (p) => p.pause),
      resume: (topic: string) => Effect.flatMap(pool(topic), (p) => p.resume),
      drain: Effect.forEach(pools.values(), (p) => p.drain, { concurrency: "unbounded", discard: true })
    } as const
  })
}) {}
