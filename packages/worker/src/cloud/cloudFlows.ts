import { NameCache, registry } from "@enamel/domain/flows"
import { KeyStoreBarbican } from "@enamel/keys"
import type { OpenStackClients } from "@enamel/openstack-clients"
import { type TaskRecord, UserKeyRefs } from "@enamel/persistence"
import { Config, Duration, Layer } from "effect"
import * as TaskFlowsLayer from "../TaskFlows.js"
import { taskFlow } from "../TaskFlows.js"
import { taskSession } from "./taskSession.js"
import { UserSessions } from "./UserSessions.js"

/**
 * What a cloud flow gets for one task: the process's clients, and the user's session from their key.
 * The task session comes last so that it wins over any Session the process has (Enamel's own): a task
 * must act as its user, never as Enamel.
 */
const environment = (task: TaskRecord) =>
  Layer.merge(Layer.context<OpenStackClients.OpenStackClients | NameCache.NameCache>(), taskSession(task))

/**
 * ENAMEL_NAME_CACHE_TTL: how long a worker starts a flow with the id a name (image, flavor, network, ...)
 * had the last time, confirming the name while the flow runs; `0 millis` looks every name up first.
 */
export const NameCacheTtl = Config.duration("ENAMEL_NAME_CACHE_TTL").pipe(
  Config.withDefault(Duration.minutes(10))
)

const nameCache = Layer.unwrapEffect(Config.map(NameCacheTtl, NameCache.layer))

/**
 * These flow versions (acting on OpenStack), reading users' keys from the KeyStore. A worker runs the
 * registry's (`layerOnKeyStore`); a test builds one with a version more (test/hosts/fixtures/upgradedWorker.ts).
 */
export const layerOnKeyStoreOf = (flows: typeof registry.flows) =>
  TaskFlowsLayer.layer(flows.map((flow) => taskFlow(flow, environment))).pipe(
    Layer.provide([UserSessions.Default, nameCache]),
    Layer.provide(UserKeyRefs.Default)
  )

/** Every flow version of the registry (they act on OpenStack), reading users' keys from the KeyStore. */
export const layerOnKeyStore = layerOnKeyStoreOf(registry.flows)

/** The cloud flows with users' keys in Barbican. */
export const layer = layerOnKeyStore.pipe(Layer.provide(KeyStoreBarbican.layer))
