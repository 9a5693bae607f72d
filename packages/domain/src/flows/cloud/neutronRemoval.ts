/**
 * How `network.delete` removes a network's plumbing from Neutron: each removal asks, then looks until the
 * thing is gone. Each takes Neutron's 404 as done (gone already, or never attached), so a stage run again
 * after a crash, or a second task after a failed one, is harmless.
 */
import { Neutron, type OpenStackError, OpenStackTimeout } from "@enamel/openstack-clients"
import { Data, Effect } from "effect"
import { goneIfNotFound, removeNetwork, removeRouter, removeSubnet } from "./remove.js"
import { goneRecheck } from "./schedules.js"

class StillThere extends Data.TaggedError("StillThere")<{ readonly what: string }> {}

/** Looks (`get`) until Neutron answers 404; OpenStackTimeout when the thing is still there after `goneRecheck`. */
const waitGone = <R>(what: string, get: Effect.Effect<unknown, OpenStackError, R>) =>
  get.pipe(
    Effect.flatMap(() => Effect.fail(new StillThere({ what }))),
    Effect.catchTag("OpenStackNotFound", () => Effect.void),
    Effect.retry({ schedule: goneRecheck, while: (error) => error._tag === "StillThere" }),
    Effect.catchTag("StillThere", () =>
      Effect.fail(
        new OpenStackTimeout({ service: "neutron", message: `${what} was still there after it was deleted` })
      )
    )
  )

/** Takes the interface port off its router, and waits until the port is gone. */
export const removeRouterInterfaceUntilGone = Effect.fn("Enamel.removeRouterInterfaceUntilGone")(function* (
  routerId: string,
  portId: string
) {
  yield* goneIfNotFound(Neutron.removeRouterInterface(routerId, { portId }))
  yield* waitGone(`interface port ${portId} of router ${routerId}`, Neutron.getPort(portId))
})

/** Deletes the router (and with it its gateway), and waits until it is gone. */
export const removeRouterUntilGone = Effect.fn("Enamel.removeRouterUntilGone")(function* (id: string) {
  yield* removeRouter(id)
  yield* waitGone(`router ${id}`, Neutron.getRouter(id))
})

/** Deletes the subnet (Neutron lets go of DHCP's address in it), and waits until it is gone. */
export const removeSubnetUntilGone = Effect.fn("Enamel.removeSubnetUntilGone")(function* (id: string) {
  yield* removeSubnet(id)
  yield* waitGone(`subnet ${id}`, Neutron.getSubnet(id))
})

/** Deletes the network (Neutron removes DHCP's port), and waits until it is gone. */
export const removeNetworkUntilGone = Effect.fn("Enamel.removeNetworkUntilGone")(function* (id: string) {
  yield* removeNetwork(id)
  yield* waitGone(`network ${id}`, Neutron.getNetwork(id))
})
