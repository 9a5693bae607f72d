import { HttpApiBuilder } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import { type Admin, CurrentCaller, EnamelApi, NotFound, ServiceUnavailable } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { type TopicDefault, type TopicSetting, TopicSettings, type WorkerReport } from "@enamel/persistence"
import { DateTime, Effect } from "effect"

/** The topics an operator tunes: the registry's task types, each from its command's concurrency. */
const topics: ReadonlyArray<TopicDefault> = registry.commands.map((c) => ({
  topic: c.type,
  concurrency: c.concurrency
}))

const unavailable = () =>
  new ServiceUnavailable({
    code: ErrorCode.serviceUnavailable,
    detail: "the topic settings are unavailable; try again shortly"
  })

const unknownTopic = (topic: string) =>
  new NotFound({
    code: ErrorCode.topicNotFound,
    detail: `${JSON.stringify(topic.slice(0, 60))} is not a topic; the topics are ${topics.map((t) => t.topic).join(", ")}`
  })

/** A topic as operators see it: the stored setting (or the command's default), and its live workers. */
const topicView = (
  topic: TopicDefault,
  stored: ReadonlyArray<TopicSetting>,
  reports: ReadonlyArray<WorkerReport>
): Admin.TopicView => {
  const setting = stored.find((s) => s.topic === topic.topic)
  return {
    topic: topic.topic,
    desired:
      setting === undefined
        ? { concurrency: topic.concurrency, paused: false, updated_at: null, updated_by: null }
        : {
            concurrency: setting.concurrency,
            paused: setting.paused,
            updated_at: DateTime.formatIso(setting.updatedAt),
            updated_by: setting.updatedBy
          },
    workers: reports
      .filter((r) => r.topic === topic.topic)
      .map((r) => ({
        id: r.workerId,
        concurrency: r.concurrency,
        running: r.running,
        paused: r.paused,
        last_heartbeat: DateTime.formatIso(r.beatAt)
      }))
  }
}

/**
 * `/admin/topics` and `/admin/drain`: the fleet's desired settings, stored; the workers apply them. Who
 * may call them is the policy's (`enamel:admin:…`, the admin role by default), enforced before these run.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "admin", (handlers) =>
  Effect.gen(function* () {
    const store = yield* TopicSettings

    const view = (only: ReadonlyArray<TopicDefault>, stored: ReadonlyArray<TopicSetting>) =>
      Effect.map(store.live, (reports) => only.map((topic) => topicView(topic, stored, reports)))

    const list = Effect.flatMap(store.all, (stored) => view(topics, stored))

    return handlers
      .handle("listTopics", () =>
        Effect.map(list, (views) => ({ topics: views })).pipe(Effect.mapError(unavailable))
      )
      .handle("setTopic", ({ path, payload }) =>
        Effect.gen(function* () {
          const caller = yield* CurrentCaller
          const topic = topics.find((t) => t.topic === path.topic)
          if (topic === undefined) return yield* unknownTopic(path.topic)
          const [changed] = yield* store.change([topic], payload, `user:${caller.userId}`).pipe(
            Effect.flatMap((stored) => view([topic], stored)),
            Effect.mapError(unavailable)
          )
          if (changed === undefined) return yield* Effect.dieMessage(`no view of ${topic.topic}`)
          return { topic: changed }
        })
      )
      .handle("drain", () =>
        Effect.gen(function* () {
          const caller = yield* CurrentCaller
          yield* Effect.logInfo(`${caller.userId} drains the fleet: every topic paused`)
          const views = yield* store
            .change(topics, { paused: true }, `user:${caller.userId}`)
            .pipe(Effect.zipRight(list), Effect.mapError(unavailable))
          return { topics: views }
        })
      )
  })
)
