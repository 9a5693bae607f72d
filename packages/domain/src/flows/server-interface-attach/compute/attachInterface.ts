import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { interfaceAttached, removeInterface, requestInterfaceAttach } from "../../cloud/interfaces.js"

export interface InterfaceInput {
  readonly serverId: string
  readonly portId: string
}

export const AttachedInterface = Schema.Struct({
  server_id: Schema.String,
  port_id: Schema.String,
  fixed_ips: Schema.Array(Schema.String)
})

/**
 * Creates: the port's attachment to the server (Nova binds it), waiting while the server is busy
 * (Nova's 409 during another interface attach or detach). A later attempt first looks whether an earlier
 * one attached it. Undo: detaches it and waits until Neutron shows it let go of; a port the user brought
 * is then as it was, a new one is deleted by `createPort`'s undo.
 */
export const attachInterface = CloudStage.make({
  name: "attachInterface",
  result: AttachedInterface,
  run: Effect.fn("ServerInterfaceAttach.attachInterface")(function* (
    input: InterfaceInput,
    context: StageContext
  ) {
    const earlier = context.attempt === 1 ? false : yield* interfaceAttached(input.serverId, input.portId)
    if (!earlier) yield* requestInterfaceAttach(input.serverId, input.portId)
    const port = yield* Neutron.getPort(input.portId)
    return { server_id: input.serverId, port_id: port.id, fixed_ips: port.fixedIps.map((ip) => ip.ipAddress) }
  }),
  compensate: (attached) => removeInterface(attached.server_id, attached.port_id)
})
