import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { BrokerAmqp } from "@enamel/broker"
import { KeyStoreSelection } from "@enamel/keys"
import { ClientSettings, OpenStackClients, ServiceSession } from "@enamel/openstack-clients"
import { Database, layerMigrated, UserKeyRefs } from "@enamel/persistence"
import { Config, Duration, Layer } from "effect"
import { HttpLive } from "./ApiServer.js"
import * as TokenValidator from "./auth/TokenValidator.js"
import * as TokenValidatorKeystone from "./auth/TokenValidatorKeystone.js"
import * as UserKeysInKeyStore from "./keys/UserKeysInKeyStore.js"

/** ENAMEL_API_HOST (127.0.0.1) and ENAMEL_API_PORT (8780): where the API listens. */
export const Listen = Config.all({
  host: Config.string("ENAMEL_API_HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.port("ENAMEL_API_PORT").pipe(Config.withDefault(8780))
})

/** ENAMEL_TOKEN_CACHE_TTL (60 s): how long a validated token is trusted without asking Keystone again. */
const tokenCacheTtl = Config.duration("ENAMEL_TOKEN_CACHE_TTL").pipe(Config.withDefault(Duration.seconds(60)))

/** The clients, with Enamel's service user as the current caller (token validation, keeping users' keys). */
export const OpenStack = ServiceSession.layerAsCaller.pipe(
  Layer.provideMerge(ServiceSession.layerServiceSession),
  Layer.provideMerge(OpenStackClients.layer),
  Layer.provideMerge(ClientSettings.layerFromConfig)
)

const Database_ = Layer.provideMerge(layerMigrated, Database.layer)

/** Keystone validates callers' tokens; a validated token is trusted for ENAMEL_TOKEN_CACHE_TTL. */
export const Auth = Layer.unwrapEffect(
  Config.map(tokenCacheTtl, (ttl) =>
    TokenValidator.cached(ttl).pipe(Layer.provide(TokenValidatorKeystone.layer))
  )
)

/**
 * The API as a process: PostgreSQL (migrated at start), RabbitMQ, Keystone, users' keys in the key store
 * ENAMEL_KEY_STORE chooses (Barbican or the local one), one HTTP server.
 */
export const ApiProcess = HttpLive.pipe(
  // Provided first, so built last: the server listens once everything else is up. Node's server drops
  // requests that arrive before the app is attached; until then a connection is refused instead.
  Layer.provide(
    Layer.unwrapEffect(Config.map(Listen, (listen) => NodeHttpServer.layer(createServer, listen)))
  ),
  Layer.provide([Auth, UserKeysInKeyStore.layer.pipe(Layer.provide(KeyStoreSelection.layer))]),
  Layer.provide(UserKeyRefs.Default),
  Layer.provide([OpenStack, BrokerAmqp.layer]),
  Layer.provide(Database_)
)
