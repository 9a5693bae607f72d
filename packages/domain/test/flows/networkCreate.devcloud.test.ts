/**
 * `network.create` against the real dev cloud as alice: the topology it makes (network, subnet with its
 * CIDR and gateway, router with its gateway on `public`, the subnet's interface on the router), and a
 * failure at each stage leaving nothing. Failures are injected by a transport that refuses one call (or
 * lets it land and loses its answer). The dev cloud is shared: every test uses its own name and CIDR, and
 * removes everything its task made when it ends, pass or fail.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Neutron } from "@enamel/openstack-clients"
import { Effect, Layer, Schema } from "effect"
import { Admin } from "../../../openstack-clients/test/support/admin.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import { taskTag } from "../../src/flows/cloud/marks.js"
import {
  removeNetwork,
  removeRouter,
  removeRouterInterface,
  removeSubnet
} from "../../src/flows/cloud/remove.js"
import * as NetworkCreate from "../../src/flows/network-create/index.js"
import { aliceCloud, type Fault, faultyCloud, timeout, uniqueName } from "./support/devcloud.js"
import { failed, succeeded } from "./support/expectations.js"

const uuid = "[0-9a-f-]{36}"

/** A /24 of 10.128.0.0/9 no other test is likely to take at the same time. */
const randomCidr = () => {
  const value = 128 * 256 + Math.floor(Math.random() * 128 * 256)
  return `10.${value >> 8}.${value & 255}.0/24`
}

const request = (name: string, cidr?: string) =>
  Schema.decodeUnknownSync(NetworkCreate.CreateNetworkRequest)({
    name,
    ...(cidr === undefined ? {} : { cidr }),
    dns_nameservers: ["9.9.9.9"]
  })

/** What carries the task's mark, and what has the test's names. */
const leftovers = (taskId: string, name: string) =>
  Effect.gen(function* () {
    const tags = [taskTag(taskId)]
    const [networks, named, subnets, routers, namedRouters] = yield* Effect.all(
      [
        Neutron.listNetworks({ tags }),
        Neutron.listNetworks({ name }),
        Neutron.listSubnets({ tags }),
        Neutron.listRouters({ tags }),
        Neutron.listRouters({ name: `${name}-router` })
      ],
      { concurrency: "unbounded" }
    )
    const ids = (items: ReadonlyArray<{ readonly id: string }>) => [...new Set(items.map((i) => i.id))]
    return {
      networks: ids([...networks, ...named]),
      subnets: ids(subnets),
      routers: ids([...routers, ...namedRouters])
    }
  })

const nothingLeft = { networks: [], subnets: [], routers: [] }

/** Removes what the task left: each router's interfaces, the routers, then the networks (with their subnets). */
const cleanUp = (taskId: string, name: string) =>
  Effect.gen(function* () {
    const left = yield* leftovers(taskId, name)
    for (const routerId of left.routers) {
      const ports = yield* Neutron.listPorts({ deviceId: routerId, deviceOwner: "network:router_interface" })
      for (const port of ports) {
        for (const ip of port.fixedIps) yield* removeRouterInterface(routerId, ip.subnetId)
      }
      yield* removeRouter(routerId)
    }
    yield* Effect.forEach(left.subnets, removeSubnet, { discard: true })
    yield* Effect.forEach(left.networks, removeNetwork, { discard: true })
  }).pipe(Effect.catchAllCause((cause) => Effect.logWarning(`test clean-up of task ${taskId} failed`, cause)))

const newTask = (name: string) =>
  Effect.gen(function* () {
    const taskId = crypto.randomUUID()
    yield* Effect.addFinalizer(() => cleanUp(taskId, name))
    return taskId
  })

/** One call refused (or landed, its answer lost), and the stage that must fail on it. */
const atEachStage: ReadonlyArray<{
  readonly stage: string
  readonly code?: string
  readonly fault: Fault
}> = [
  {
    stage: "resolveNetworkRequest",
    fault: { method: "GET", path: /\/subnets$/, mode: "refuse", status: 403 }
  },
  { stage: "createNetwork", fault: { method: "POST", path: /\/networks$/, mode: "refuse", status: 400 } },
  {
    stage: "createNetwork",
    code: "network.over_quota",
    fault: { method: "POST", path: /\/networks$/, mode: "refuse", status: 409, kind: "OverQuota" }
  },
  {
    // The network is made, tagging it fails: the client deletes it again, nothing untagged stays.
    stage: "createNetwork",
    fault: { method: "PUT", path: new RegExp(`/networks/${uuid}/tags$`), mode: "refuse", status: 400 }
  },
  { stage: "createSubnet", fault: { method: "POST", path: /\/subnets$/, mode: "refuse", status: 400 } },
  {
    stage: "createSubnet",
    code: "network.over_quota",
    fault: { method: "POST", path: /\/subnets$/, mode: "refuse", status: 409, kind: "OverQuota" }
  },
  {
    stage: "createSubnet",
    fault: { method: "PUT", path: new RegExp(`/subnets/${uuid}/tags$`), mode: "refuse", status: 400 }
  },
  { stage: "createRouter", fault: { method: "POST", path: /\/routers$/, mode: "refuse", status: 400 } },
  {
    stage: "createRouter",
    code: "network.over_quota",
    fault: { method: "POST", path: /\/routers$/, mode: "refuse", status: 409, kind: "OverQuota" }
  },
  {
    stage: "createRouter",
    code: "network.external_network_full",
    fault: {
      method: "POST",
      path: /\/routers$/,
      mode: "refuse",
      status: 409,
      kind: "IpAddressGenerationFailure"
    }
  },
  {
    stage: "createRouter",
    fault: { method: "PUT", path: new RegExp(`/routers/${uuid}/tags$`), mode: "refuse", status: 400 }
  },
  {
    stage: "addRouterInterface",
    fault: {
      method: "PUT",
      path: new RegExp(`/routers/${uuid}/add_router_interface$`),
      mode: "refuse",
      status: 400
    }
  },
  {
    // The interface is added, its answer is lost (a 400): the undo still takes it off.
    stage: "addRouterInterface",
    fault: {
      method: "PUT",
      path: new RegExp(`/routers/${uuid}/add_router_interface$`),
      mode: "loseReply",
      status: 400
    }
  }
]

const live = Layer.provideMerge(Admin.Default, aliceCloud)

describe("network.create on the dev cloud", () => {
  layer(live, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "network, subnet (CIDR, gateway, DNS), router on public, the interface on the gateway address",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("net")
          const cidr = randomCidr()
          const taskId = yield* newTask(name)
          const result = yield* succeeded(
            yield* runFlow(NetworkCreate.flow, { taskId, params: request(name, cidr) })
          )
          expect(result.cidr).toBe(cidr)
          const gateway = cidr.replace(/0\/24$/, "1")
          const network = yield* Neutron.getNetwork(result.network_id)
          expect([network.name, network.tags]).toEqual([
            name,
            expect.arrayContaining([taskTag(taskId), `enamel_token=enamel-${taskId}-createNetwork`])
          ])
          const subnet = yield* Neutron.getSubnet(result.subnet_id)
          expect(subnet).toMatchObject({
            name: `${name}-subnet`,
            networkId: network.id,
            cidr,
            gatewayIp: gateway,
            dnsNameservers: ["9.9.9.9"]
          })
          expect(subnet.tags).toContain(taskTag(taskId))
          const router = yield* Neutron.getRouter(result.router_id)
          const external = yield* Neutron.findNetwork("public")
          expect(router.name).toBe(`${name}-router`)
          expect(router.externalGateway?.networkId).toBe(external.id)
          expect(router.tags).toContain(taskTag(taskId))
          const port = yield* Neutron.getPort(result.interface_port_id)
          expect([port.deviceId, port.deviceOwner, port.networkId]).toEqual([
            router.id,
            "network:router_interface",
            network.id
          ])
          expect(port.fixedIps).toEqual([{ subnetId: subnet.id, ipAddress: gateway }])
        }),
      { timeout: 120_000 }
    )

    it.scoped(
      "without a CIDR: a free /24 of 10.0.0.0/8 that no other subnet of the project overlaps, or nothing",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("auto")
          const taskId = yield* newTask(name)
          const outcome = yield* runFlow(NetworkCreate.flow, { taskId, params: request(name) })
          if (outcome._tag === "Succeeded") {
            expect(outcome.result.cidr).toMatch(/^10\.\d+\.\d+\.0\/24$/)
            const others = (yield* NetworkCreate.projectSubnets).filter(
              (s) => s.id !== outcome.result.subnet_id
            )
            expect(others.map((s) => s.cidr)).not.toContain(outcome.result.cidr)
          } else {
            // The dev cloud is shared: another test's task may take the same free /24 at the same moment.
            // Then the later subnet is given up, naming the other, and nothing of this task is left.
            const lost = yield* failed(outcome)
            expect(lost.error).toMatchObject({ stage: "createSubnet", code: "network.cidr_overlaps" })
            expect(lost.error.message).not.toContain(name)
            expect(yield* leftovers(taskId, name)).toEqual(nothingLeft)
          }
        }),
      { timeout: 120_000 }
    )

    for (const { stage, code, fault } of atEachStage) {
      it.scoped(
        `a failure in ${stage} (${fault.method} ${fault.path.source} → ${fault.mode} ${fault.status}${fault.kind === undefined ? "" : ` ${fault.kind}`}) leaves nothing`,
        () =>
          Effect.gen(function* () {
            const name = uniqueName("netfail")
            const taskId = yield* newTask(name)
            const outcome = yield* failed(
              yield* runFlow(NetworkCreate.flow, { taskId, params: request(name, randomCidr()) }).pipe(
                Effect.provide(faultyCloud([fault]))
              )
            )
            expect(outcome.error.stage).toBe(stage)
            if (code !== undefined) expect(outcome.error.code).toBe(code)
            expect(outcome.compensation.failed).toEqual([])
            expect(yield* leftovers(taskId, name)).toEqual(nothingLeft)
          }),
        { timeout: 120_000, concurrent: true }
      )
    }
  })
})
