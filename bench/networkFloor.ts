/**
 * The floor of the network part (bench/network.ts): the Neutron calls on the critical path of Enamel's
 * `network.create`, made directly with Enamel's own clients (`@enamel/openstack-clients`, as alice), in
 * critical-path order: the network (then its tags) and then its subnet (then its tags), and at the same
 * time the router with its gateway on the external network (then its tags); once both are there, the
 * subnet's interface on the router. Every resource carries tags like Enamel's marks (a task and a stage
 * token), set in a second call as the clients set them. Nothing is waited for after the calls: Neutron
 * has made each thing when it answers, and Enamel's flow waits for nothing more either. The external
 * network's id is known before the clock starts: Enamel finds it inside its time, and reads the
 * project's subnets to check the CIDR (or to pick one), and that is Enamel's own work, not the
 * plumbing's. Then the floor of the deletion, waited for as Enamel's `network.delete` waits (each
 * removal looked at until Neutron answers 404): the interface taken off the router (its port gone), then
 * at the same time the router, and the subnet and then the network.
 */
import { randomUUID } from "node:crypto"
import { Neutron } from "@enamel/openstack-clients"
import { Duration, Effect, Schedule } from "effect"
import {
  removeTopology,
  type TopologyIds
} from "../packages/openstack-clients/test/support/networkTopology.js"

/** Neutron tags like those of what Enamel's stage `stage` makes: its task and its token. */
export const markTags = (taskId: string, stage: string): ReadonlyArray<string> => [
  `enamel_task=${taskId}`,
  `enamel_token=enamel-${taskId}-${stage}`
]

/** The tags of one topology's three resources, as one task of Enamel's would mark them. */
export const topologyTags = () => {
  const taskId = randomUUID()
  return {
    network: markTags(taskId, "createNetwork"),
    subnet: markTags(taskId, "createSubnet"),
    router: markTags(taskId, "createRouter")
  }
}

/** What one topology is made of, as far as it was made. */
interface Made {
  networkId?: string | undefined
  subnetId?: string | undefined
  routerId?: string | undefined
}

const idsOf = (made: Made): TopologyIds => ({
  networkIds: made.networkId === undefined ? [] : [made.networkId],
  subnetIds: made.subnetId === undefined ? [] : [made.subnetId],
  routerIds: made.routerId === undefined ? [] : [made.routerId]
})

/** Looks every 0.2 s until Neutron answers 404 (at once, in practice: Neutron deletes before it answers). */
const gone = <E extends { readonly _tag: string }, R>(what: string, get: Effect.Effect<unknown, E, R>) =>
  get.pipe(
    Effect.flatMap(() => Effect.fail(`${what} is still there` as const)),
    Effect.catchIf(
      (error) => typeof error !== "string" && error._tag === "OpenStackNotFound",
      () => Effect.void
    ),
    Effect.retry({
      schedule: Schedule.spaced(Duration.millis(200)).pipe(Schedule.intersect(Schedule.recurs(50))),
      while: (error) => typeof error === "string"
    })
  )

/** Asks Neutron to delete, then waits until the thing is gone. */
const removed = <E extends { readonly _tag: string }, R>(
  what: string,
  remove: Effect.Effect<unknown, E, R>,
  get: Effect.Effect<unknown, E, R>
) => Effect.zipRight(remove, gone(what, get))

/** The floor's times of one topology made and removed, in seconds. */
export interface FloorNetworkTimes {
  readonly create: number
  readonly delete: number
}

const seconds = (since: number) => (performance.now() - since) / 1000

/**
 * One topology made as the floor makes it, then removed as the floor removes it (the critical path of
 * `network.delete`). A topology left by a failure is removed (untimed).
 */
export const floorNetwork = (name: string, cidr: string, externalNetworkId: string) => {
  const made: Made = {}
  const tags = topologyTags()
  const timed = Effect.gen(function* () {
    const started = performance.now()
    const [subnetId, routerId] = yield* Effect.all(
      [
        Effect.gen(function* () {
          const network = yield* Neutron.createNetwork({ name, tags: tags.network })
          made.networkId = network.id
          const subnet = yield* Neutron.createSubnet({
            networkId: network.id,
            name,
            cidr,
            ipVersion: 4,
            tags: tags.subnet
          })
          made.subnetId = subnet.id
          return subnet.id
        }),
        Effect.gen(function* () {
          const router = yield* Neutron.createRouter({ name, externalNetworkId, tags: tags.router })
          made.routerId = router.id
          return router.id
        })
      ],
      { concurrency: "unbounded" }
    )
    const routerInterface = yield* Neutron.addRouterInterface(routerId, { subnetId })
    const create = seconds(started)

    const deleting = performance.now()
    const networkId = made.networkId ?? ""
    yield* removed(
      "the interface",
      Neutron.removeRouterInterface(routerId, { portId: routerInterface.portId }),
      Neutron.getPort(routerInterface.portId)
    )
    yield* Effect.all(
      [
        removed("the router", Neutron.deleteRouter(routerId), Neutron.getRouter(routerId)),
        Effect.zipRight(
          removed("the subnet", Neutron.deleteSubnet(subnetId), Neutron.getSubnet(subnetId)),
          removed("the network", Neutron.deleteNetwork(networkId), Neutron.getNetwork(networkId))
        )
      ],
      { concurrency: "unbounded", discard: true }
    )
    const deleted = seconds(deleting)
    made.networkId = made.subnetId = made.routerId = undefined
    return { create, delete: deleted } satisfies FloorNetworkTimes
  })
  return Effect.onError(timed, () => Effect.ignore(removeTopology(idsOf(made))))
}
