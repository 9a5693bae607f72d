import { HttpRouter } from "@effect/platform"
import { Health } from "@enamel/persistence"
import { Effect } from "effect"
import { WorkerPools } from "../WorkerPools.js"

/**
 * RabbitMQ is connected: every topic's consumer holds a subscription (a topic whose connection dropped
 * has none until it subscribes again). Paused topics keep theirs, so they count as connected.
 */
export const brokerCheck = Effect.map(
  WorkerPools,
  (pools): Health.Check => ({
    name: "rabbitmq",
    run: Effect.flatMap(pools.stats, (stats) => {
      const lost = stats.filter((s) => !s.connected).map((s) => s.topic)
      return lost.length === 0 ? Effect.void : Effect.fail(`not connected for ${lost.join(", ")}`)
    })
  })
)

/** `GET` and `HEAD /healthcheck` on the worker's admin port: PostgreSQL answers and RabbitMQ is connected. */
export const layer = HttpRouter.Default.use((router) =>
  Effect.gen(function* () {
    const handler = yield* Health.handler([yield* Health.databaseCheck, yield* brokerCheck])
    yield* router.get(Health.path, handler)
    yield* router.head(Health.path, handler)
  })
)
