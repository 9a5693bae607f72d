/**
 * Worker processes killed with SIGKILL at every stage of issue 19's `network.create` and
 * `network.delete`, on the dev cloud through the real API. Each kill comes while the stage is in doubt
 * (its work done in Neutron, its checkpoint not on disk; see stageHold.ts); another worker process
 * resumes the task, which succeeds. A network.create killed at any stage ends with exactly one network,
 * one subnet and one router carrying its task's mark, the router's gateway on `public` and exactly one
 * interface, on that subnet: nothing made twice. A network.delete killed at any stage (on the networks
 * the kills above made, each as soon as it is made) leaves nothing of the network behind.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Neutron } from "@enamel/openstack-clients"
import { Effect, Layer, Queue, Schema } from "effect"
import { afterAll } from "vitest"
import { uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import {
  markedBy,
  removeNamedWith,
  routerInterfaceOwner
} from "../../packages/openstack-clients/test/support/networkTopology.js"
import { aliceForTest } from "./attach.js"
import { enamelApi, inProcessWorkerSettings } from "./enamel.js"
import { killableWorkers } from "./killedWorkers.js"
import { installStageHolds } from "./stageHold.js"

const namespace = uniqueName("network-kills")
const topics = ["network.create", "network.delete"] as const
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: [...topics], own: true })))

// Every task runs in the killable worker processes; the API's process serves none.
const Enamel = Layer.provideMerge(
  Layer.effectDiscard(installStageHolds),
  enamelApi(Layer.empty).pipe(Layer.provide(inProcessWorkerSettings(namespace)))
)

const createStages = [
  "resolveNetworkRequest",
  "createNetwork",
  "createSubnet",
  "createRouter",
  "addRouterInterface"
]
const deleteStages = [
  "findNetworkTopology",
  "removeRouterInterfaces",
  "deleteRouters",
  "deleteSubnets",
  "deleteNetwork"
]

const NetworkMade = Schema.Struct({
  network_id: Schema.String,
  subnet_id: Schema.String,
  router_id: Schema.String,
  interface_port_id: Schema.String
})

/** What a network.create task left in Neutron: its marked resources, the router's gateway and interfaces. */
const madeBy = (taskId: string) =>
  Effect.gen(function* () {
    const marked = yield* markedBy(taskId)
    const routers = yield* Effect.forEach(marked.routerIds, (id) => Neutron.getRouter(id))
    const interfaces = yield* Effect.forEach(marked.routerIds, (deviceId) =>
      Neutron.listPorts({ deviceId, deviceOwner: routerInterfaceOwner })
    )
    return {
      ...marked,
      gateways: routers.map((router) => router.externalGateway?.networkId ?? null),
      interfaces: interfaces.flat().map((port) => ({
        network: port.networkId,
        subnets: port.fixedIps.map((ip) => ip.subnetId)
      }))
    }
  })

describe("worker processes killed at every stage of network.create and network.delete on the dev cloud", () => {
  layer(Enamel, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped(
      "SIGKILL at each stage, resumed by another worker: one network, subnet, router and interface each; a delete leaves nothing",
      () =>
        Effect.gen(function* () {
          const started = Date.now()
          const { cloud, token } = yield* aliceForTest
          const publicId = (yield* cloud(Neutron.findNetwork("public"))).id
          // One pool per flow, so that a kill in one never cuts off the other's task.
          const creates = yield* killableWorkers("network-create", namespace, "network.create=1", token)
          const deletes = yield* killableWorkers("network-delete", namespace, "network.delete=1", token)
          // Whatever happens, everything named so goes at the end (also what a failed task left).
          const prefix = uniqueName("kills-net")
          yield* Effect.addFinalizer(() =>
            cloud(removeNamedWith(prefix)).pipe(Effect.catchAllCause(Effect.logWarning))
          )

          // Each create killed once at one stage; each network made goes to a delete killed once at one
          // stage, while the next create runs.
          const made = yield* Queue.unbounded<{ readonly taskId: string; readonly networkId: string }>()
          const createKills = Effect.forEach(
            createStages,
            (stage) =>
              Effect.gen(function* () {
                const { taskId, result } = yield* creates.killedAt(
                  "network.create",
                  stage,
                  "POST",
                  "/networks",
                  {
                    name: `${prefix}-${stage}`
                  }
                )
                const network = Schema.decodeUnknownSync(NetworkMade)(result)
                expect({ stage, ...(yield* cloud(madeBy(taskId))) }).toEqual({
                  stage,
                  networkIds: [network.network_id],
                  subnetIds: [network.subnet_id],
                  routerIds: [network.router_id],
                  gateways: [publicId],
                  interfaces: [{ network: network.network_id, subnets: [network.subnet_id] }]
                })
                yield* Queue.offer(made, { taskId, networkId: network.network_id })
              }),
            { discard: true }
          )
          const deleteKills = Effect.forEach(
            deleteStages,
            (stage) =>
              Effect.gen(function* () {
                const network = yield* Queue.take(made)
                yield* deletes.killedAt("network.delete", stage, "DELETE", `/networks/${network.networkId}`)
                const left = yield* cloud(madeBy(network.taskId))
                const ports = yield* cloud(Neutron.listPorts({ networkId: network.networkId }))
                expect({ stage, ...left, ports: ports.map((port) => port.id) }).toEqual({
                  stage,
                  networkIds: [],
                  subnetIds: [],
                  routerIds: [],
                  gateways: [],
                  interfaces: [],
                  ports: []
                })
              }),
            { discard: true }
          )
          yield* Effect.all([createKills, deleteKills], { concurrency: "unbounded", discard: true })
          console.log(
            `network kills: ${createStages.length + deleteStages.length} kills in ${((Date.now() - started) / 1000).toFixed(0)} s`
          )
        }),
      { timeout: 600_000 }
    )
  })
})
