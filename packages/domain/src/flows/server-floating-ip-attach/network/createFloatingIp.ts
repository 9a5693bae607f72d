import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { attachedNeutronTags, tokenOfTags } from "../../cloud/marks.js"
import { removeFloatingIp } from "../../cloud/remove.js"
import type { FloatingIpPlan } from "../checkRequest.js"

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
 * Creates: a floating IP on the external network, associated with the server's port in the same call,
 * marked with the task, the stage's token and the server (`server.delete` finds it by that). Undo:
 * releases it.
 */
export const createFloatingIp = CloudStage.make({
  name: "createFloatingIp",
  result: AssociatedFloatingIp,
  run: Effect.fn("ServerFloatingIpAttach.createFloatingIp")(function* (
    plan: FloatingIpPlan,
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
