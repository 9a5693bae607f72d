import { registry } from "@enamel/domain/flows"
import { Config, ConfigError, Duration, Either } from "effect"

/** The most tasks of one topic a worker runs at once (as the admin API and RPC allow). */
export const maxConcurrency = 10_000

/** Parses `server.create=4,server.delete=2`. */
export const parseTopics = (text: string): Either.Either<ReadonlyMap<string, number>, string> => {
  const topics = new Map<string, number>()
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const [topic, count] = part.split("=")
    const concurrency = Number(count ?? "1")
    if (
      topic === undefined ||
      !/^[a-z][a-z0-9_.]*$/.test(topic) ||
      !Number.isInteger(concurrency) ||
      concurrency < 1 ||
      concurrency > maxConcurrency
    ) {
      return Either.left(
        `bad entry "${part}": write topic=concurrency (1 to ${maxConcurrency}), e.g. server.create=4`
      )
    }
    topics.set(topic, concurrency)
  }
  return topics.size === 0 ? Either.left("no topics") : Either.right(topics)
}

/**
 * ENAMEL_WORKER_TOPICS: the topics this worker consumes, and how many tasks of each it runs at once
 * until an operator says otherwise (by default every task type of the registry, at its command's
 * concurrency). The numbers are only the first default: a topic's desired setting stored in PostgreSQL
 * (`/admin/topics`) wins, and the first worker to serve a topic with none stores its number there.
 */
export const Topics = Config.string("ENAMEL_WORKER_TOPICS").pipe(
  Config.withDefault(registry.defaultTopics),
  Config.mapOrFail((text) =>
    Either.mapLeft(parseTopics(text), (message) => ConfigError.InvalidData(["ENAMEL_WORKER_TOPICS"], message))
  )
)

export const WorkerSettings = Config.all({
  /** Unique per worker process: the owner written on leases. */
  workerId: Config.string("ENAMEL_WORKER_ID").pipe(
    Config.withDefault(`worker-${process.pid}-${crypto.randomUUID().slice(0, 8)}`)
  ),
  /**
   * A lease not renewed for this long may be taken over by another worker: the time a crashed worker's
   * task waits. 9 s (renewed every 3 s, self-stop at 7.5 s) takes a killed worker's task over in 6–9 s
   * plus a retry delay instead of 20–30 s (bench/takeover.ts), for one renewal statement per worker every 3 s.
   */
  leaseTtl: Config.duration("ENAMEL_LEASE_TTL").pipe(Config.withDefault(Duration.seconds(9))),
  /** On SIGTERM, how long in-flight tasks get to finish before they are handed back at a checkpoint. */
  grace: Config.duration("ENAMEL_WORKER_GRACE").pipe(Config.withDefault(Duration.seconds(20))),
  /**
   * A task still running after this long hands itself on (a new message) and acknowledges its delivery:
   * RabbitMQ takes back deliveries unacknowledged for 30 minutes (consumer_timeout).
   */
  handOnAfter: Config.duration("ENAMEL_HAND_ON_AFTER").pipe(Config.withDefault(Duration.minutes(20))),
  /**
   * A task taken again this many times (its workers keep dying on it) fails, and its message goes to
   * the dead-letter queue, instead of crashing worker after worker.
   */
  maxRestarts: Config.integer("ENAMEL_MAX_RESTARTS").pipe(Config.withDefault(10)),
  /** How long to wait before requeueing a task another worker holds, or one that met an outage. */
  retryDelay: Config.duration("ENAMEL_WORKER_RETRY_DELAY").pipe(Config.withDefault(Duration.seconds(2))),
  /**
   * How often a worker reports what it runs per topic (`/admin/topics` shows it); it is shown as gone
   * after three beats missed. 2 s keeps the running counts an operator watches (a drain) fresh, for one
   * small statement per worker per beat; a worker also reports at once when it applied a change.
   */
  heartbeat: Config.duration("ENAMEL_WORKER_HEARTBEAT").pipe(Config.withDefault(Duration.seconds(2))),
  /**
   * How often a worker reads the stored topic settings without being woken by their NOTIFY: a change
   * made while its LISTEN connection was down (a PostgreSQL restart) still arrives, this much late.
   */
  settingsPoll: Config.duration("ENAMEL_WORKER_SETTINGS_POLL").pipe(Config.withDefault(Duration.seconds(5)))
})
export type WorkerSettings = Config.Config.Success<typeof WorkerSettings>
