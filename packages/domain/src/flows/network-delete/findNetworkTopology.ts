/**
 * Creates: nothing (it only reads). Undo: none.
 * Finds, at run time, the network and what hangs on it: its subnets, the routers' interfaces on them, and
 * which of those routers go with it: those Enamel made (their marks) that nothing else uses (no
 * interface on another network). A router the user brought stays; only its interface here goes. A
 * network Enamel made also finds the routers its task made that no longer have an interface here (a
 * task that failed after taking the interface off), so that a second task removes them too.
 * A port that is not the network's plumbing, made after the request was accepted, fails the task here,
 * naming it, before anything is removed (`deletableNetwork`).
 */
import { Neutron, type Port } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Option, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { taskTag } from "../cloud/marks.js"
import { madeByEnamel, taskOfNeutronMarks } from "../cloud/networkMarks.js"
import { isRouterInterface } from "../cloud/networkPorts.js"
import { deletableNetwork } from "./deletableNetwork.js"

/** A router's interface on one of the network's subnets: its port, taken off the router by `removeRouterInterfaces`. */
export const RouterInterface = Schema.Struct({ router_id: Schema.String, port_id: Schema.String })
export type RouterInterface = typeof RouterInterface.Type

export const NetworkTopology = Schema.Struct({
  network_id: Schema.String,
  subnet_ids: Schema.Array(Schema.String),
  interfaces: Schema.Array(RouterInterface),
  /** The routers that go: Enamel made them, and nothing but this network uses them. */
  router_ids: Schema.Array(Schema.String),
  /** The routers that stay: the user's, or used by another network too. */
  kept_router_ids: Schema.Array(Schema.String)
})
export type NetworkTopology = typeof NetworkTopology.Type

/** Whether the router goes with the network: Enamel made it, and it has no interface on another network. */
const routerGoes = (networkId: string, routerId: string) =>
  Effect.gen(function* () {
    const found = yield* Neutron.getRouter(routerId).pipe(
      Effect.map(Option.some),
      Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
    )
    if (Option.isNone(found)) return Option.none<boolean>()
    if (!madeByEnamel(found.value.tags)) return Option.some(false)
    const ports: ReadonlyArray<Port> = yield* Neutron.listPorts({ deviceId: routerId })
    return Option.some(!ports.some((port) => isRouterInterface(port) && port.networkId !== networkId))
  })

/** The network's subnets, router interfaces and the routers that go or stay. Changes nothing. */
export const networkTopology = Effect.fn("NetworkDelete.networkTopology")(function* (networkId: string) {
  const { network, ports } = yield* deletableNetwork(networkId)
  const interfaces = ports
    .filter(isRouterInterface)
    .map((port): RouterInterface => ({ router_id: port.deviceId, port_id: port.id }))
  const task = taskOfNeutronMarks(network.tags)
  const ourTasksRouters =
    task === null ? [] : (yield* Neutron.listRouters({ tags: [taskTag(task)] })).map((router) => router.id)
  const candidates = Arr.dedupe([...interfaces.map((i) => i.router_id), ...ourTasksRouters])
  const goes = yield* Effect.forEach(candidates, (id) => routerGoes(network.id, id), {
    concurrency: "unbounded"
  })
  const decided = Arr.zip(candidates, goes).flatMap(([id, verdict]) =>
    Option.match(verdict, { onNone: () => [], onSome: (go) => [{ id, go }] })
  )
  return {
    network_id: network.id,
    subnet_ids: network.subnets,
    interfaces,
    router_ids: decided.filter((router) => router.go).map((router) => router.id),
    kept_router_ids: decided.filter((router) => !router.go).map((router) => router.id)
  }
})

export const findNetworkTopology = CloudStage.make({
  name: "findNetworkTopology",
  result: NetworkTopology,
  run: Effect.fn("NetworkDelete.findNetworkTopology")(function* (networkId: string) {
    return yield* networkTopology(networkId)
  })
})
