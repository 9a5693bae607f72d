import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import {
  Auth,
  HttpLive,
  Listen,
  OpenStack,
  type TokenValidator,
  type UserKeys,
  UserKeysInKeyStore
} from "@enamel/api"
import { BrokerMemory, ConsumerMemory } from "@enamel/broker"
import { KeyStoreSelection } from "@enamel/keys"
import {
  DataDir,
  layerMigrated,
  PgliteDatabase,
  reannounceUnfinished,
  UserKeyRefs
} from "@enamel/persistence"
import { Tracing } from "@enamel/telemetry"
import { CloudFlows, type TaskFlows, workerPoolsOn } from "@enamel/worker"
import { Config, Effect, Layer } from "effect"

/**
 * The API on `server` (an HttpServer layer, e.g. NodeHttpServer's) and a worker for every topic (ENAMEL_WORKER_TOPICS) in one process, over whatever
 * database, broker and consumer are given. Needs a TokenValidator and UserKeys as the API does. The
 * server is built after everything given from outside, so it listens once the app can answer (Node's
 * server drops requests that arrive before the app is attached; until then a connection is refused).
 */
export const apiAndWorker = <E, R, S, E2, R2>(
  flows: Layer.Layer<TaskFlows, E, R>,
  server: Layer.Layer<S, E2, R2>
) => Layer.mergeAll(HttpLive.pipe(Layer.provideMerge(server)), workerPoolsOn(flows))

/**
 * What the in-memory broker forgot when the last process stopped: every unfinished task is announced
 * again, and the stopped process's leases are released (the data dir is locked to this process, so no
 * other worker can hold one).
 */
const announceUnfinished = Layer.effectDiscard(
  Effect.flatMap(reannounceUnfinished({ releaseLeases: true }), (count) =>
    count === 0 ? Effect.void : Effect.logInfo(`announced ${count} unfinished task(s) again`)
  )
)

/** PGlite in `dataDir` (migrated, unfinished tasks announced again) and the in-process broker. */
export const embeddedBackendAt = (dataDir: string) =>
  Layer.provideMerge(
    announceUnfinished,
    Layer.mergeAll(
      Layer.provideMerge(layerMigrated, PgliteDatabase.layerAt(dataDir)),
      Layer.provideMerge(ConsumerMemory.layer, BrokerMemory.layer)
    )
  )

/**
 * Enamel in one process on the embedded backend: the `apiAndWorker` of `flows`, with the API's
 * `edges` (token validation, users' keys), over PGlite in `dataDir`, on `server`.
 */
export const embeddedAt = <E, R, E2, R2, S, E3, R3>(
  dataDir: string,
  flows: Layer.Layer<TaskFlows, E, R>,
  edges: Layer.Layer<TokenValidator.TokenValidator | UserKeys.UserKeys, E2, R2>,
  server: Layer.Layer<S, E3, R3>
) => apiAndWorker(flows, server).pipe(Layer.provide(edges), Layer.provideMerge(embeddedBackendAt(dataDir)))

/**
 * Enamel on the embedded backend in `dataDir`, in front of a real OpenStack: Enamel's service user from
 * the OS_* variables validates tokens and keeps users' keys (Barbican, or the local key store per
 * ENAMEL_KEY_STORE); tasks run the cloud flows as their users, the API on `server`. Exposes the server,
 * the service session and the clients too.
 */
export const inFrontOfCloudAt = <S, E, R>(dataDir: string, server: Layer.Layer<S, E, R>) =>
  embeddedAt(
    dataDir,
    CloudFlows.layerOnKeyStore.pipe(Layer.provide(KeyStoreSelection.layer)),
    Layer.merge(
      Auth,
      UserKeysInKeyStore.layer.pipe(
        Layer.provide(KeyStoreSelection.layer),
        Layer.provide(UserKeyRefs.Default)
      )
    ),
    server
  ).pipe(Layer.provideMerge(OpenStack), Layer.provide(Tracing.layer("enamel")))

/** The `enamel` process: `inFrontOfCloudAt` ENAMEL_DATA_DIR, listening on ENAMEL_API_HOST/PORT. */
export const EnamelProcess = Layer.unwrapEffect(
  Effect.map(DataDir, (dataDir) =>
    inFrontOfCloudAt(
      dataDir,
      Layer.unwrapEffect(Config.map(Listen, (listen) => NodeHttpServer.layer(createServer, listen)))
    )
  )
)
