import { Flows } from "@enamel/domain"
import { KeyStoreBarbican } from "@enamel/keys"
import type { OpenStackClients } from "@enamel/openstack-clients"
import { type TaskRecord, UserKeyRefs } from "@enamel/persistence"
import { Layer } from "effect"
import * as TaskFlowsLayer from "../TaskFlows.js"
import { taskFlow } from "../TaskFlows.js"
import { taskSession } from "./taskSession.js"

/**
 * What a cloud flow gets for one task: the process's clients, and the user's session from their key.
 * The task session comes last so that it wins over any Session the process has (Enamel's own): a task
 * must act as its user, never as Enamel.
 */
const environment = (task: TaskRecord) =>
  Layer.merge(Layer.context<OpenStackClients.OpenStackClients>(), taskSession(task))

/** The flows that act on OpenStack (server.create and server.delete), reading users' keys from the KeyStore. */
export const layerOnKeyStore = TaskFlowsLayer.layer([
  taskFlow(Flows.ServerCreate.flow, environment),
  taskFlow(Flows.ServerDelete.flow, environment)
]).pipe(Layer.provide(UserKeyRefs.Default))

/** The cloud flows with users' keys in Barbican. */
export const layer = layerOnKeyStore.pipe(Layer.provide(KeyStoreBarbican.layer))
