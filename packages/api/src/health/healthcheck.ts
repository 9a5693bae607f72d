import { HttpApiBuilder } from "@effect/platform"
import { Health } from "@enamel/persistence"
import { Effect } from "effect"

/**
 * `GET /healthcheck` (and `HEAD`, as load balancers often ask) on the API (and the embedded process): PostgreSQL answers (see Health). A plain
 * route beside the HttpApi contract, not in it: /openapi.json documents the API a user calls, and this
 * answers a load balancer in oslo.middleware's plain text. Unauthenticated.
 */
export const layer = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const handler = yield* Health.handler([yield* Health.databaseCheck])
    yield* router.get(Health.path, handler)
    yield* router.head(Health.path, handler)
  })
)
