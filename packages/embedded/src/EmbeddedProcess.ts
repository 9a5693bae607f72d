import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import {
  Auth,
  HttpLive,
  Listen,
  OpenStack,
  type TokenValidator,
  type UserKeys,
  UserKeysBarbican
} from "@enamel/api"
import { BrokerMemory, ConsumerMemory } from "@enamel/broker"
import {
  DataDir,
  layerMigrated,
  PgliteDatabase,
  reannounceUnfinished,
  UserKeyRefs
} from "@enamel/persistence"
import { CloudFlows, type TaskFlows, workerPoolsOn } from "@enamel/worker"
import { Config, Effect, Layer } from "effect"

/**
 * The API and a worker for every topic (ENAMEL_WORKER_TOPICS) in one process, over whatever database,
 * broker and consumer are given. Needs a TokenValidator, UserKeys and an HttpServer as the API does.
 */
export const apiAndWorker = <E, R>(flows: Layer.Layer<TaskFlows, E, R>) =>
  Layer.mergeAll(HttpLive, workerPoolsOn(flows))

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
 * `edges` (token validation, users' keys), over PGlite in `dataDir`.
 */
export const embeddedAt = <E, R, E2, R2>(
  dataDir: string,
  flows: Layer.Layer<TaskFlows, E, R>,
  edges: Layer.Layer<TokenValidator.TokenValidator | UserKeys.UserKeys, E2, R2>
) => apiAndWorker(flows).pipe(Layer.provide(edges), Layer.provideMerge(embeddedBackendAt(dataDir)))

/**
 * The `enamel` process: API and worker on PGlite in ENAMEL_DATA_DIR and the in-process broker, acting on
 * a real OpenStack (Enamel's service user from the OS_* variables), listening on ENAMEL_API_HOST/PORT.
 */
export const EnamelProcess = Layer.unwrapEffect(
  Effect.map(DataDir, (dataDir) =>
    embeddedAt(
      dataDir,
      CloudFlows.layer,
      Layer.merge(Auth, UserKeysBarbican.layer.pipe(Layer.provide(UserKeyRefs.Default)))
    )
  )
).pipe(
  Layer.provide(OpenStack),
  Layer.provide(
    Layer.unwrapEffect(Config.map(Listen, (listen) => NodeHttpServer.layer(createServer, listen)))
  )
)
