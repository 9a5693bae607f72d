import { HttpApiBuilder, HttpMiddleware, HttpServer } from "@effect/platform"
import { EnamelApi } from "@enamel/domain/contract"
import {
  CallbackStore,
  CheckpointsPg,
  HeldTasks,
  OutboxRelay,
  TaskProgress,
  TaskStore,
  TaskWaiters,
  TopicSettings
} from "@enamel/persistence"
import { Config, Layer } from "effect"
import * as Authentication from "./auth/authentication.js"
import * as CallbackDispatcher from "./callbacks/CallbackDispatcher.js"
import { CallbackSecrets } from "./callbacks/CallbackSecrets.js"
import * as AdminHandlers from "./handlers/admin.js"
import * as NetworksHandlers from "./handlers/networks.js"
import * as PorcelainHandlers from "./handlers/porcelain.js"
import * as ServersHandlers from "./handlers/servers.js"
import * as TasksHandlers from "./handlers/tasks.js"
import * as VersionsHandlers from "./handlers/versions.js"
import * as Healthcheck from "./health/healthcheck.js"
import * as OpenStackConventions from "./http/openstackConventions.js"
import * as ApiMetrics from "./metrics.js"
import { Policy } from "./policy/Policy.js"
import * as Ui from "./ui/routes.js"
import * as SignIn from "./ui/signIn.js"

/**
 * The API, implemented: every group's handlers, authentication, OpenStack's conventions, and the
 * OpenAPI document at /openapi.json; and the callback dispatcher, so every API process (and the
 * embedded one) sends callbacks. Needs a TokenValidator, UserKeys, a PgClient and a Broker.
 */
export const ApiLive = HttpApiBuilder.api(EnamelApi).pipe(
  Layer.provide([
    VersionsHandlers.layer,
    PorcelainHandlers.layer,
    TasksHandlers.layer,
    AdminHandlers.layer,
    ServersHandlers.layer,
    NetworksHandlers.layer,
    SignIn.layer
  ]),
  Layer.provide(Authentication.layer),
  Layer.provide(Policy.Default),
  Layer.merge(CallbackDispatcher.layer),
  Layer.provide([CallbackStore.Default, CallbackSecrets.Default, HeldTasks.Default]),
  Layer.provide([
    TaskStore.Default,
    OutboxRelay.Default,
    CheckpointsPg.layer,
    TopicSettings.Default,
    TaskProgress.Default,
    TaskWaiters.Default
  ])
)

/**
 * ENAMEL_ACCESS_LOG (true): one log line per request. Under load it costs about an eighth of the API's
 * CPU (formatting and writing to stdout), so a deployment that logs at its proxy can turn it off.
 */
export const AccessLog = Config.boolean("ENAMEL_ACCESS_LOG").pipe(Config.withDefault(true))

/** The HTTP app with its API-level middleware, ready for any HttpServer. */
export const HttpLive = Layer.unwrapEffect(
  Config.map(AccessLog, (accessLog) =>
    accessLog ? HttpApiBuilder.serve(HttpMiddleware.logger) : HttpApiBuilder.serve()
  )
).pipe(
  Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
  Layer.provide(Healthcheck.layer),
  // Before the conventions, so built after them: its middleware is outermost and counts final statuses.
  Layer.provide(ApiMetrics.layer),
  Layer.provide(OpenStackConventions.layer),
  Layer.provide(Ui.layer),
  Layer.provide(ApiLive),
  HttpServer.withLogAddress
)
