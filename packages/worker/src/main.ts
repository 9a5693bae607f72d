import { NodeRuntime } from "@effect/platform-node"
import { Logging } from "@enamel/domain"
import { KeyStoreSelection } from "@enamel/keys"
import { ClientSettings, OpenStackClients, ServiceSession } from "@enamel/openstack-clients"
import { Tracing } from "@enamel/telemetry"
import { Layer } from "effect"
import * as CloudFlows from "./cloud/cloudFlows.js"
import { workerProcess } from "./WorkerProcess.js"

/** A worker: the cloud flows, users' keys (ENAMEL_KEY_STORE), Enamel's service session, the clients. */
const Worker = workerProcess(CloudFlows.layerOnKeyStore.pipe(Layer.provide(KeyStoreSelection.layer))).pipe(
  Layer.provide(ServiceSession.layerServiceSession),
  Layer.provide(OpenStackClients.layer),
  Layer.provide(ClientSettings.layerFromConfig)
)

Layer.launch(Layer.provide(Worker, [Logging.layer, Tracing.layer("enamel-worker")])).pipe(NodeRuntime.runMain)
