import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"
import { adoptOrCreate } from "../cloud/adopt.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { routerInterfaceOwner } from "../cloud/networkPorts.js"
import { removeRouterInterface } from "../cloud/remove.js"

export interface RouterInterfaceInput {
  readonly router_id: string
  readonly subnet_id: string
}

export const RouterInterface = Schema.Struct({
  router_id: Schema.String,
  subnet_id: Schema.String,
  /** The interface's port, on the subnet's gateway address. */
  port_id: Schema.String
})
export type RouterInterface = typeof RouterInterface.Type

/** The router's interface on the subnet, if it has one (what a cut-off attempt made). */
const findInterface = (input: RouterInterfaceInput) =>
  Neutron.listPorts({ deviceId: input.router_id, deviceOwner: routerInterfaceOwner }).pipe(
    Effect.map((ports) =>
      Option.fromNullable(
        ports.find((port) => port.fixedIps.some((ip) => ip.subnetId === input.subnet_id))
      ).pipe(Option.map((port) => ({ portId: port.id, subnetId: input.subnet_id })))
    )
  )

/**
 * Creates: the router's interface on the subnet (a port on the subnet's gateway address), so the
 * subnet reaches the external network. Undo: takes it off the router again. The router and the subnet
 * carry the marks; the interface is found by them (the router's port on the subnet).
 */
export const addRouterInterface = CloudStage.make({
  name: "addRouterInterface",
  result: RouterInterface,
  run: Effect.fn("NetworkCreate.addRouterInterface")(function* (
    input: RouterInterfaceInput,
    context: StageContext
  ) {
    const attached = yield* adoptOrCreate(
      context,
      findInterface(input),
      Neutron.addRouterInterface(input.router_id, { subnetId: input.subnet_id })
    )
    const made: RouterInterface = {
      router_id: input.router_id,
      subnet_id: input.subnet_id,
      port_id: attached.portId
    }
    return made
  }),
  compensate: (made) => removeRouterInterface(made.router_id, made.subnet_id)
})
