import { NodeRuntime } from "@effect/platform-node"
import { ClientSettings, OpenStackClients, ServiceSession } from "@enamel/openstack-clients"
import { Layer } from "effect"
import * as CloudFlows from "./cloud/cloudFlows.js"
import { workerProcess } from "./WorkerProcess.js"

/** A worker: the cloud flows, Enamel's service session (to read users' keys), the clients. */
const Worker = workerProcess(CloudFlows.layer).pipe(
  Layer.provide(ServiceSession.layerServiceSession),
  Layer.provide(OpenStackClients.layer),
  Layer.provide(ClientSettings.layerFromConfig)
)

Layer.launch(Worker).pipe(NodeRuntime.runMain)
