/**
 * Whether the project's default network this task made is published (tagged
 * `enamel_default_network_ready`): then it is the project's, other tasks may use it, and the undos of
 * the stages that made it leave it alone (`markDefaultNetworkReady`'s undo decided to keep it).
 */
import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { defaultNetworkReadyTag, defaultNetworkTag, taskTag } from "../../cloud/marks.js"

const publishedBy = (taskId: string) =>
  Effect.map(
    Neutron.listNetworks({ tags: [defaultNetworkTag, defaultNetworkReadyTag, taskTag(taskId)] }),
    (networks) => networks.length > 0
  )

/** Runs the undo unless the default network this task made is published (kept for the project). */
export const unlessPublished = <E, R>(taskId: string, undo: Effect.Effect<void, E, R>) =>
  Effect.flatMap(publishedBy(taskId), (published) =>
    published ? Effect.logInfo("the project's default network is kept: others use it") : undo
  )
