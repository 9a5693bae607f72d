import { Prometheus } from "@enamel/domain"
import { type TopicSetting, TopicSettings } from "@enamel/persistence"
import { Data, Deferred, Effect, Ref, Schedule } from "effect"
import * as FleetTuning from "./FleetTuning.js"
import { samplePools } from "./metrics.js"
import * as TopicPool from "./TopicPool.js"
import { Topics, WorkerSettings } from "./WorkerSettings.js"

export class UnknownTopic extends Data.TaggedError("UnknownTopic")<{ readonly topic: string }> {}

/** Reading the stored settings at start rides over a blip; a database that stays away fails the start. */
const readAtStart = Schedule.spaced("500 millis").pipe(Schedule.intersect(Schedule.recurs(5)))

/**
 * Every topic this worker consumes (ENAMEL_WORKER_TOPICS), each with its own pool, tuned as the fleet's
 * stored settings say (`/admin/topics`): a pool starts with its topic's stored setting (the worker's own
 * number is stored only where none is), applies every later change within a second, and the worker
 * reports what it runs in a heartbeat.
 *
 * The admin RPC (`SetConcurrency`, `Pause`, `Resume`) tunes this worker alone, in memory, until the
 * topic's stored setting next changes: then every worker takes the stored one. `Drain` is final for the
 * process: a drained worker stays paused whatever the stored settings say.
 */
export class WorkerPools extends Effect.Service<WorkerPools>()("@enamel/worker/WorkerPools", {
  scoped: Effect.gen(function* () {
    const topics = yield* Topics
    const settings = yield* WorkerSettings
    const store = yield* TopicSettings
    const pools = new Map<string, TopicPool.TopicPool>()
    const drained = yield* Ref.make(false)
    const defaults = [...topics].map(([topic, concurrency]) => ({ topic, concurrency }))
    const stored = yield* store
      .adopt(defaults, `worker:${settings.workerId}`)
      .pipe(Effect.retry(readAtStart), Effect.withSpan("WorkerPools.readStoredSettings"))

    // A fresh iterator each time: an effect built on one `pools.values()` would see no pool the second run.
    const each = <A>(f: (pool: TopicPool.TopicPool) => Effect.Effect<A>) =>
      Effect.suspend(() => Effect.forEach([...pools.values()], f, { concurrency: "unbounded" }))
    const stats = each((p) => p.stats)
    // Every scrape of this process (the worker's admin port, or the embedded process's API) reads the pools.
    yield* Prometheus.addSampler(samplePools(stats))
    // The worker reports once it follows the stored settings: shown in `/admin/topics`, it hears changes.
    const following = yield* Deferred.make<void>()
    // Started before the pools, so stopped after them: while its tasks finish their grace on SIGTERM, the
    // worker still reports them (paused, running fewer and fewer).
    const beatNow = yield* FleetTuning.heartbeat({
      workerId: settings.workerId,
      loads: stats,
      interval: settings.heartbeat,
      start: Deferred.await(following)
    })

    for (const { topic, concurrency } of defaults) {
      const setting = stored.find((s) => s.topic === topic)
      const tuning = { concurrency: setting?.concurrency ?? concurrency, paused: setting?.paused ?? false }
      pools.set(topic, yield* TopicPool.make(topic, tuning, settings.grace))
    }

    const apply = (setting: TopicSetting) =>
      Effect.gen(function* () {
        const tuning = {
          concurrency: setting.concurrency,
          paused: setting.paused || (yield* Ref.get(drained))
        }
        const found = pools.get(setting.topic)
        if (found !== undefined) yield* found.tune(tuning)
        return tuning
      })
    yield* FleetTuning.follow({
      topics: defaults,
      started: stored,
      apply,
      afterChange: beatNow,
      poll: settings.settingsPoll,
      following
    })

    const pool = (topic: string) => {
      const found = pools.get(topic)
      return found === undefined ? Effect.fail(new UnknownTopic({ topic })) : Effect.succeed(found)
    }
    return {
      stats,
      setConcurrency: (topic: string, n: number) => Effect.flatMap(pool(topic), (p) => p.setConcurrency(n)),
      pause: (topic: string) => Effect.flatMap(pool(topic), (p) => p.pause),
      resume: (topic: string) => Effect.flatMap(pool(topic), (p) => p.resume),
      drain: Effect.zipRight(
        Ref.set(drained, true),
        each((p) => p.drain)
      )
    } as const
  })
}) {}
