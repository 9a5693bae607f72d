import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { attachedNeutronTags } from "../../cloud/marks.js"
import { findTokenPort } from "../../cloud/ports.js"
import { removePort } from "../../cloud/remove.js"
import type { NewPort } from "../checkRequest.js"

export interface PortInput {
  readonly serverId: string
  readonly port: NewPort
}

export const CreatedPort = Schema.Struct({ id: Schema.String, fixed_ips: Schema.Array(Schema.String) })
export type CreatedPort = typeof CreatedPort.Type

/**
 * Creates: a port on the network (with the address and security groups asked for), marked with the task,
 * the stage's token and the server it is for (`server.delete` finds it by that). Undo: deletes it.
 */
export const createPort = CloudStage.make({
  name: "createPort",
  result: CreatedPort,
  run: Effect.fn("ServerInterfaceAttach.createPort")(function* (input: PortInput, context: StageContext) {
    const token = context.idempotencyToken
    const { port } = input
    const made = yield* adoptOrCreate(
      context,
      findTokenPort(port.name, token),
      Neutron.createPort({
        networkId: port.network_id,
        name: port.name,
        description: token,
        ...(port.security_group_ids === undefined ? {} : { securityGroups: port.security_group_ids }),
        ...(port.fixed_ip === undefined
          ? {}
          : { fixedIps: [{ subnetId: port.fixed_ip.subnet_id, ipAddress: port.fixed_ip.ip_address }] }),
        tags: attachedNeutronTags(context.taskId, token, input.serverId)
      })
    )
    return { id: made.id, fixed_ips: made.fixedIps.map((ip) => ip.ipAddress) }
  }),
  compensate: (port) => removePort(port.id)
})
