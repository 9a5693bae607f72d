import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"
import { adoptOrCreate } from "./adopt.js"
import * as CloudStage from "./CloudStage.js"
import { attachedNeutronTags, tokenOfTags } from "./marks.js"
import { removeFloatingIp } from "./remove.js"

/** Where the floating IP goes: which server's port, from which external network. */
export interface FloatingIpTarget {
  readonly server_id: string
  readonly port_id: string
  /** The external network to allocate from. */
  readonly network_id: string
}

export const AssociatedFloatingIp = Schema.Struct({
  floating_ip_id: Schema.String,
  address: Schema.String,
  port_id: Schema.String
})

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
 * A stage shared by the flows that put a new floating IP on an existing server's port
 * (`server.floating_ip.attach`, `server.interface.attach`).
 *
 * Creates: a floating IP on the external network, associated with the server's port in the same call,
 * marked with the task, the stage's token and the server (`server.delete` finds it by that). Undo:
 * releases it.
 */
export const createFloatingIp = CloudStage.make({
  name: "createFloatingIp",
  result: AssociatedFloatingIp,
  run: Effect.fn("Enamel.createAttachedFloatingIp")(function* (
    plan: FloatingIpTarget,
    context: StageContext
  ) {
    const token = context.idempotencyToken
    const ip = yield* adoptOrCreate(
      context,
      findFloatingIp(plan.port_id, token),
      Neutron.createFloatingIp({
        networkId: plan.network_id,
        portId: plan.port_id,
        description: token,
        tags: attachedNeutronTags(context.taskId, token, plan.server_id)
      })
    )
    return { floating_ip_id: ip.id, address: ip.floatingIpAddress, port_id: plan.port_id }
  }),
  compensate: (ip) => removeFloatingIp(ip.floating_ip_id)
})
