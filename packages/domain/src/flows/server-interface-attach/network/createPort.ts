import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { attachedNeutronTags, tokenTag } from "../../cloud/marks.js"
import { removePort } from "../../cloud/remove.js"
import type { NewPort } from "../checkRequest.js"

export interface PortInput {
  readonly serverId: string
  readonly port: NewPort
}

export const CreatedPort = Schema.Struct({ id: Schema.String, fixed_ips: Schema.Array(Schema.String) })
export type CreatedPort = typeof CreatedPort.Type

/** What an earlier attempt made (tagged with the token); one cut off before tagging is deleted and made again. */
const findPort = (name: string, token: string) =>
  Effect.gen(function* () {
    const tagged = yield* Neutron.listPorts({ tags: [tokenTag(token)] })
    if (tagged[0] !== undefined) return Option.some(tagged[0])
    const untagged = (yield* Neutron.listPorts({ name })).filter((port) => port.description === token)
    yield* Effect.forEach(untagged, (port) => removePort(port.id), { discard: true })
    return Option.none()
  })

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
      findPort(port.name, token),
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
