import { Neutron } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { neutronTags } from "../../cloud/marks.js"
import { findTokenPort } from "../../cloud/ports.js"
import { removePort } from "../../cloud/remove.js"
import type { PlannedNetwork } from "../plan.js"

export interface PortInput {
  /** `<server>-port<index>` */
  readonly name: string
  readonly network: PlannedNetwork
}

export const AttachedPort = Schema.Struct({
  id: Schema.String,
  network_id: Schema.String,
  fixed_ips: Schema.Array(Schema.String),
  /** False for a port the user brought: Enamel never deletes it. */
  created: Schema.Boolean
})
export type AttachedPort = typeof AttachedPort.Type

/** Creates: a port on the network with its security groups, tagged with the token. Undo: deletes it. */
export const createPort = CloudStage.make({
  name: "createPort",
  result: AttachedPort,
  run: Effect.fn("ServerCreate.createPort")(function* (input: PortInput, context: StageContext) {
    const token = context.idempotencyToken
    const { network } = input
    const port = yield* adoptOrCreate(
      context,
      findTokenPort(input.name, token),
      Neutron.createPort({
        networkId: network.network_id,
        name: input.name,
        description: token,
        ...(network.security_group_ids === undefined ? {} : { securityGroups: network.security_group_ids }),
        ...(network.fixed_ip === undefined
          ? {}
          : { fixedIps: [{ subnetId: network.fixed_ip.subnet_id, ipAddress: network.fixed_ip.ip_address }] }),
        tags: neutronTags(context.taskId, token)
      })
    )
    const attached: AttachedPort = {
      id: port.id,
      network_id: port.networkId,
      fixed_ips: Arr.map(port.fixedIps, (ip) => ip.ipAddress),
      created: true
    }
    return attached
  }),
  compensate: (port) => removePort(port.id)
})
