/**
 * `network.create`, run for real on the cloud double as alice (whose project has `private`, 10.0.1.0/24,
 * and `backend`, 10.0.3.0/24): the topology it makes and the CIDRs it picks, the refusals of its first
 * stage, the operator's default external network, a failure at each stage leaving nothing, a subnet made
 * meanwhile that overlaps, and a crash at each stage then a resume that adopts instead of duplicating.
 */
import { describe, expect, it } from "@effect/vitest"
import { NetworkCreate } from "@enamel/domain/flows"
import { Neutron, Session } from "@enamel/openstack-clients"
import { Fault } from "@enamel/openstack-clients/testing"
import { ConfigProvider, Effect, Schema } from "effect"
import {
  type CrashCase,
  crashCase,
  crashed,
  failed,
  makeWorld,
  restartDelay,
  runProcess,
  runToEnd,
  succeeded,
  type World,
  writesOf
} from "./harness.js"
import { type Checklist, expectChecklist } from "./timeline.js"
import { asAlice } from "./volumeFixtures.js"

const createTask = (body: Record<string, unknown> = { name: "lab" }) => ({
  taskId: crypto.randomUUID(),
  params: Schema.decodeUnknownSync(NetworkCreate.CreateNetworkRequest)(body)
})

const checklist: Checklist = [
  ["resolveNetworkRequest", []],
  ["createNetwork", ["resolveNetworkRequest"]],
  ["createSubnet", ["createNetwork"]],
  ["createRouter", ["resolveNetworkRequest"]],
  ["addRouterInterface", ["createSubnet", "createRouter"]]
]

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const marks = (tags: ReadonlyArray<string>) => [...tags].sort().join(",").replace(uuid, "<task>")

/**
 * Alice's networks, subnets, routers and router interfaces, by name and with task ids left out, so that
 * two runs compare line by line: a duplicate shows as an extra line, something left behind as a line.
 */
const aliceTopology = (world: World) =>
  asAlice(
    world,
    Effect.gen(function* () {
      const authentication = yield* Effect.flatMap(Session, (session) => session.authentication)
      const projectId = authentication.info.project?.id ?? ""
      const networks = yield* Neutron.listNetworks({ projectId })
      const subnets = yield* Neutron.listSubnets({ projectId })
      const routers = yield* Neutron.listRouters({ projectId })
      const external = yield* Neutron.listNetworks({ external: true })
      const interfaces = yield* Neutron.listPorts({ deviceOwner: "network:router_interface" })
      const networkName = (id: string) =>
        [...networks, ...external].find((network) => network.id === id)?.name ?? "?"
      const sorted = (lines: ReadonlyArray<string>) => [...lines].sort()
      return {
        networks: sorted(networks.map((network) => `${network.name} tags=${marks(network.tags)}`)),
        subnets: sorted(
          subnets.map(
            (subnet) =>
              `${subnet.name} on=${networkName(subnet.networkId)} ${subnet.cidr} gateway=${subnet.gatewayIp} ` +
              `dns=${subnet.dnsNameservers.join(",")} tags=${marks(subnet.tags)}`
          )
        ),
        routers: sorted(
          routers.map(
            (router) =>
              `${router.name} gateway=${router.externalGateway === null ? "-" : networkName(router.externalGateway.networkId)} ` +
              `tags=${marks(router.tags)}`
          )
        ),
        interfaces: sorted(
          interfaces.map((port) => {
            const router = routers.find((r) => r.id === port.deviceId)?.name ?? "?"
            const ips = port.fixedIps.map((ip) => {
              const subnet = subnets.find((s) => s.id === ip.subnetId)?.name ?? "?"
              return `${subnet}:${ip.ipAddress}`
            })
            return `${router} ${ips.join(",")}`
          })
        )
      }
    })
  )

const tag = (stage: string) => `enamel_task=<task>,enamel_token=enamel-<task>-${stage}`

/** What alice has once `lab` is made on `cidr` (gateway `gateway`), beside her `private` and `backend`. */
const withLab = (cidr: string, gateway: string, dns = "") => ({
  networks: ["backend tags=", `lab tags=${tag("createNetwork")}`, "private tags="],
  subnets: [
    "backend-subnet on=backend 10.0.3.0/24 gateway=10.0.3.1 dns= tags=",
    `lab-subnet on=lab ${cidr} gateway=${gateway} dns=${dns} tags=${tag("createSubnet")}`,
    "private-subnet on=private 10.0.1.0/24 gateway=10.0.1.1 dns= tags="
  ],
  routers: [`lab-router gateway=public tags=${tag("createRouter")}`],
  interfaces: [`lab-router lab-subnet:${gateway}`]
})

/** Alice's topology before anything is made. */
const untouched = {
  networks: ["backend tags=", "private tags="],
  subnets: [
    "backend-subnet on=backend 10.0.3.0/24 gateway=10.0.3.1 dns= tags=",
    "private-subnet on=private 10.0.1.0/24 gateway=10.0.1.1 dns= tags="
  ],
  routers: [],
  interfaces: []
}

/** Runs `effect` with ENAMEL_DEFAULT_EXTERNAL_NETWORK set, as the operator sets it. */
const withDefaultExternal = <A, E, R>(name: string, effect: Effect.Effect<A, E, R>) =>
  Effect.withConfigProvider(
    effect,
    ConfigProvider.fromMap(new Map([["ENAMEL_DEFAULT_EXTERNAL_NETWORK", name]]))
  )

/** A second external network, `public2`, which every project sees. */
const addPublic2 = (world: World) =>
  world.cloud.addNetwork({
    project: "admin",
    name: "public2",
    cidr: "172.25.4.0/24",
    shared: true,
    external: true
  })

describe("network.create's checklist on the cloud double", () => {
  it.live("the first free /24, a subnet with its gateway, a router on public, the interface", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const task = createTask({ name: "lab", dns_nameservers: ["9.9.9.9"] })
      const result = yield* succeeded(yield* runToEnd(world, NetworkCreate.flow, task))
      expectChecklist(yield* writesOf(world, task.taskId), checklist)
      expect(result.cidr).toBe("10.0.0.0/24")
      expect(yield* aliceTopology(world)).toEqual(withLab("10.0.0.0/24", "10.0.0.1", "9.9.9.9"))
      const port = yield* asAlice(world, Neutron.getPort(result.interface_port_id))
      expect([port.deviceId, port.networkId]).toEqual([result.router_id, result.network_id])
      expect(port.fixedIps).toEqual([{ subnetId: result.subnet_id, ipAddress: "10.0.0.1" }])
    })
  )

  it.live("the next network takes the next /24 the project does not use (bob's 10.0.2.0/24 is his)", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      yield* succeeded(yield* runToEnd(world, NetworkCreate.flow, createTask({ name: "one" })))
      const second = yield* succeeded(yield* runToEnd(world, NetworkCreate.flow, createTask({ name: "two" })))
      expect(second.cidr).toBe("10.0.2.0/24")
      const third = yield* succeeded(
        yield* runToEnd(world, NetworkCreate.flow, createTask({ name: "three" }))
      )
      expect(third.cidr).toBe("10.0.4.0/24")
    })
  )

  it.live("a CIDR given, and an external network named by id", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const publicId = (yield* asAlice(world, Neutron.findNetwork("public"))).id
      const task = createTask({ name: "lab", cidr: "192.168.7.0/26", external_network: publicId })
      const result = yield* succeeded(yield* runToEnd(world, NetworkCreate.flow, task))
      expect(result.cidr).toBe("192.168.7.0/26")
      expect(yield* aliceTopology(world)).toEqual(withLab("192.168.7.0/26", "192.168.7.1"))
    })
  )

  it.live("refused at resolveNetworkRequest, nothing made: overlap, not external, not found, ambiguous", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const refusal = (body: Record<string, unknown>) =>
        Effect.flatMap(runToEnd(world, NetworkCreate.flow, createTask(body)), failed)
      const overlap = yield* refusal({ name: "lab", cidr: "10.0.0.0/16" })
      expect(overlap.error).toMatchObject({ code: "network.cidr_overlaps", stage: "resolveNetworkRequest" })
      expect(overlap.error.message).toMatch(/^10\.0\.0\.0\/16 overlaps subnet (private|backend)-subnet/)
      const internal = yield* refusal({ name: "lab", external_network: "private" })
      expect(internal.error.code).toBe("network.not_external")
      const missing = yield* refusal({ name: "lab", external_network: "nowhere" })
      expect(missing.error).toMatchObject({
        code: "network.external_not_found",
        message: "external network nowhere not found"
      })
      yield* addPublic2(world)
      const ambiguous = yield* refusal({ name: "lab" })
      expect(ambiguous.error.code).toBe("network.external_unresolved")
      expect(ambiguous.error.message).toContain("public (")
      expect(ambiguous.error.message).toContain("public2 (")
      yield* world.cloud.addNetwork({
        project: "admin",
        name: "public2",
        cidr: "172.27.4.0/24",
        shared: true,
        external: true
      })
      const twins = yield* refusal({ name: "lab", external_network: "public2" })
      expect(twins.error.code).toBe("network.external_unresolved")
      expect(twins.error.message).toMatch(
        /^several external networks are named public2, public2 \(.*\), public2 \(/
      )
      expect(yield* aliceTopology(world)).toEqual(untouched)
    })
  )

  it.live("ENAMEL_DEFAULT_EXTERNAL_NETWORK picks among several external networks; a wrong one is named", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      yield* addPublic2(world)
      const made = yield* succeeded(
        yield* withDefaultExternal("public2", runToEnd(world, NetworkCreate.flow, createTask()))
      )
      const router = yield* asAlice(world, Neutron.getRouter(made.router_id))
      const public2 = yield* asAlice(world, Neutron.findNetwork("public2"))
      expect(router.externalGateway?.networkId).toBe(public2.id)
      const wrong = yield* failed(
        yield* withDefaultExternal("public9", runToEnd(world, NetworkCreate.flow, createTask({ name: "x" })))
      )
      expect(wrong.error.message).toBe(
        "external network public9 (named by ENAMEL_DEFAULT_EXTERNAL_NETWORK) not found"
      )
    })
  )

  const failures: ReadonlyArray<readonly [string, string, Fault.FaultRule]> = [
    [
      "createNetwork",
      "network.over_quota",
      { service: "neutron", method: "POST", path: "/networks", answer: Fault.overQuota }
    ],
    [
      "createNetwork",
      "openstack.forbidden",
      { service: "neutron", method: "PUT", path: "/networks/*/tags", answer: Fault.status(403) }
    ],
    [
      "createSubnet",
      "network.over_quota",
      { service: "neutron", method: "POST", path: "/subnets", answer: Fault.overQuota }
    ],
    [
      "createRouter",
      "network.over_quota",
      { service: "neutron", method: "POST", path: "/routers", answer: Fault.overQuota }
    ],
    [
      "createRouter",
      "network.external_network_full",
      {
        service: "neutron",
        method: "POST",
        path: "/routers",
        answer: Fault.status(
          409,
          "No more IP addresses available on network public.",
          "IpAddressGenerationFailure"
        )
      }
    ],
    [
      "addRouterInterface",
      "openstack.bad_request",
      {
        service: "neutron",
        method: "PUT",
        path: "/routers/*/add_router_interface",
        answer: Fault.status(400)
      }
    ]
  ]
  for (const [stage, code, rule] of failures) {
    it.live(`a failure at ${stage} (${rule.method} ${String(rule.path)}): ${code}, nothing is left`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        yield* world.cloud.inject(rule)
        const outcome = yield* failed(yield* runToEnd(world, NetworkCreate.flow, createTask()))
        expect(outcome.error).toMatchObject({ stage, code })
        yield* world.cloud.clearFaults
        expect(yield* aliceTopology(world)).toEqual(untouched)
      })
    )
  }

  const quotaName = { networks: "network", subnets: "subnet", routers: "router" } as const
  for (const resource of ["networks", "subnets", "routers"] as const) {
    it.live(
      `the project's Neutron quota for ${resource} used up: quota.exceeded at the first stage, nothing made`,
      () =>
        Effect.gen(function* () {
          const world = yield* makeWorld()
          // Alice has two networks with a subnet each, and no router: room for none more.
          yield* world.cloud.setQuota("alpha", { [resource]: resource === "routers" ? 0 : 2 })
          const outcome = yield* failed(yield* runToEnd(world, NetworkCreate.flow, createTask()))
          expect(outcome.error).toMatchObject({ code: "quota.exceeded", stage: "resolveNetworkRequest" })
          const limit = resource === "routers" ? 0 : 2
          expect(outcome.error.message).toContain(
            `network quota ${quotaName[resource]}: limit ${limit}, used ${limit}, the request needs 1 more`
          )
          expect(yield* aliceTopology(world)).toEqual(untouched)
        })
    )

    it.live(
      `quotas alice may not read: Neutron refuses the ${resource} over quota (network.over_quota)`,
      () =>
        Effect.gen(function* () {
          const world = yield* makeWorld()
          yield* world.cloud.inject({
            service: "neutron",
            method: "GET",
            path: "/quotas/*/details",
            answer: Fault.status(403)
          })
          yield* world.cloud.setQuota("alpha", { [resource]: resource === "routers" ? 0 : 2 })
          const outcome = yield* failed(yield* runToEnd(world, NetworkCreate.flow, createTask()))
          expect(outcome.error.code).toBe("network.over_quota")
          expect(outcome.error.message).toContain(`allows no more ${resource}`)
          expect(yield* aliceTopology(world)).toEqual(untouched)
        })
    )
  }

  it.live("an external network with no address left for the gateway: network.external_network_full", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      yield* world.cloud.addNetwork({
        project: "admin",
        name: "narrow",
        cidr: "172.26.0.0/24",
        shared: true,
        external: true,
        pool: { start: "172.26.0.10", end: "172.26.0.10" }
      })
      const first = createTask({ name: "first", external_network: "narrow" })
      yield* succeeded(yield* runToEnd(world, NetworkCreate.flow, first))
      const before = yield* aliceTopology(world)
      const second = yield* failed(
        yield* runToEnd(world, NetworkCreate.flow, createTask({ name: "second", external_network: "narrow" }))
      )
      expect(second.error).toMatchObject({ stage: "createRouter", code: "network.external_network_full" })
      expect(second.error.message).toMatch(/^external network [0-9a-f-]{36} has no free address/)
      expect(yield* aliceTopology(world)).toEqual(before)
    })
  )

  it.live("a subnet overlapping the chosen CIDR made meanwhile: network.cidr_overlaps, nothing is left", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const task = createTask()
      // The process dies once the CIDR is chosen; alice takes 10.0.0.0/24 before it resumes.
      yield* crashed(
        yield* runProcess(world, NetworkCreate.flow, task, {
          crash: { _tag: "StageStarted", path: "createSubnet" }
        })
      )
      yield* world.cloud.addNetwork({ project: "alpha", name: "mine", cidr: "10.0.0.0/24" })
      yield* world.pass(restartDelay)
      const outcome = yield* failed(yield* runToEnd(world, NetworkCreate.flow, task))
      expect(outcome.error).toMatchObject({ stage: "createSubnet", code: "network.cidr_overlaps" })
      expect(outcome.error.message).toMatch(/^10\.0\.0\.0\/24 overlaps subnet mine-subnet/)
      const left = yield* aliceTopology(world)
      expect(left.routers).toEqual([])
      expect(left.networks).toEqual(["backend tags=", "mine tags=", "private tags="])
      expect(left.subnets.filter((line) => line.startsWith("lab"))).toEqual([])
    })
  )

  it.live(
    "three tasks at once without a CIDR: no two overlapping subnets are kept, a failed one leaves nothing",
    () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const outcomes = yield* Effect.forEach(
          ["one", "two", "three"],
          (name) => runToEnd(world, NetworkCreate.flow, createTask({ name })),
          { concurrency: "unbounded" }
        )
        const made = outcomes.flatMap((outcome) => (outcome._tag === "Succeeded" ? [outcome.result] : []))
        for (const outcome of outcomes) {
          if (outcome._tag !== "Succeeded")
            expect(outcome).toMatchObject({ error: { code: "network.cidr_overlaps" } })
        }
        const topology = yield* aliceTopology(world)
        expect(topology.routers).toHaveLength(made.length)
        expect(topology.subnets).toHaveLength(2 + made.length)
        const cidrs = made.map((result) => result.cidr)
        expect(new Set(cidrs).size).toBe(cidrs.length)
      })
  )

  const landed = (stage: string, method: "POST" | "PUT", path: string): CrashCase =>
    crashCase(() => ({ _tag: "CallLanded", path: stage, call: { service: "neutron", method, path } }))
  const crashes: ReadonlyArray<CrashCase> = [
    ...checklist.flatMap(([stage]) => [
      crashCase(() => ({ _tag: "StageStarted", path: stage })),
      crashCase(() => ({ _tag: "OutcomeUnrecorded", path: stage }))
    ]),
    landed("createNetwork", "POST", "/networks"),
    landed("createNetwork", "PUT", "/networks/*/tags"),
    landed("createSubnet", "POST", "/subnets"),
    landed("createSubnet", "PUT", "/subnets/*/tags"),
    landed("createRouter", "POST", "/routers"),
    landed("createRouter", "PUT", "/routers/*/tags"),
    landed("addRouterInterface", "PUT", "/routers/*/add_router_interface")
  ]
  for (const crash of crashes) {
    it.live(`a crash ${crash.name}, then a resume: one network, subnet, router and interface`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        const task = createTask()
        yield* crashed(yield* runProcess(world, NetworkCreate.flow, task, { crash: crash.at(task.taskId) }))
        yield* world.pass(restartDelay)
        const result = yield* succeeded(yield* runToEnd(world, NetworkCreate.flow, task))
        expect(result.cidr).toBe("10.0.0.0/24")
        expect(yield* aliceTopology(world)).toEqual(withLab("10.0.0.0/24", "10.0.0.1"))
      })
    )
  }
})
