import { Logging } from "@enamel/domain"
import type { registry } from "@enamel/domain/flows"
import { KeyStoreSelection } from "@enamel/keys"
import { ClientSettings, OpenStackClients, ServiceSession } from "@enamel/openstack-clients"
import { Tracing } from "@enamel/telemetry"
import { Layer } from "effect"
import { workerProcess } from "../WorkerProcess.js"
import * as CloudFlows from "./cloudFlows.js"

/**
 * A worker process running these flow versions: users' keys (ENAMEL_KEY_STORE), Enamel's service
 * session, the clients, logs and traces. `main.ts` runs the registry's; a test, a build with a version
 * more (test/hosts/fixtures/upgradedWorker.ts).
 */
export const cloudWorker = (flows: typeof registry.flows) =>
  Layer.provide(
    workerProcess(CloudFlows.layerOnKeyStoreOf(flows).pipe(Layer.provide(KeyStoreSelection.layer))).pipe(
      Layer.provide(ServiceSession.layerServiceSession),
      Layer.provide(OpenStackClients.layer),
      Layer.provide(ClientSettings.layerFromConfig)
    ),
    [Logging.layer, Tracing.layer("enamel-worker")]
  )
