import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { neutronTags, tokenOfTags } from "../../cloud/marks.js"
import { removeFloatingIp } from "../../cloud/remove.js"

export interface FloatingIpInput {
  readonly portId: string
  /** The external network to allocate from. */
  readonly networkId: string
}

export const AssociatedFloatingIp = Schema.Struct({
  id: Schema.String,
  address: Schema.String,
  port_id: Schema.String
})
export type AssociatedFloatingIp = typeof AssociatedFloatingIp.Type

/** What an earlier attempt made, on this port; one left untagged (cut off before tagging) is made again. */
const findFloatingIp = (portId: string, token: string) =>
  Effect.gen(function* () {
    const onPort = yield* Neutron.listFloatingIps({ portId })
    const tagged = onPort.find((ip) => tokenOfTags(ip.tags) === token)
    if (tagged !== undefined) return Option.some(tagged)
    const untagged = onPort.filter((ip) => ip.description === token)
    yield* Effect.forEach(untagged, (ip) => removeFloatingIp(ip.id), { discard: true })
    return Option.none()
  })

/**
 * Creates: a floating IP on the external network, associated with the port in the same call (Neutron
 * accepts that before the server is ACTIVE), tagged with the token. Undo: releases it.
 */
export const createFloatingIp = CloudStage.make({
  name: "createFloatingIp",
  result: AssociatedFloatingIp,
  run: Effect.fn("ServerCreate.createFloatingIp")(function* (input: FloatingIpInput, context: StageContext) {
    const token = context.idempotencyToken
    const ip = yield* adoptOrCreate(
      context,
      findFloatingIp(input.portId, token),
      Neutron.createFloatingIp({
        networkId: input.networkId,
        portId: input.portId,
        description: token,
        tags: neutronTags(context.taskId, token)
      })
    )
    return { id: ip.id, address: ip.floatingIpAddress, port_id: input.portId }
  }),
  compensate: (ip) => removeFloatingIp(ip.id)
})
