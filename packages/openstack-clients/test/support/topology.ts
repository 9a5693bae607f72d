/**
 * One life of a project's routed network through the real client calls, asserted the same way on the
 * cloud double and on the dev cloud: network, subnet, router with its gateway on `public`, interface;
 * Neutron's refusals while something is still in use; then the removal in the order that works.
 */
import { expect } from "@effect/vitest"
import { Neutron, type OpenStackError, type Session } from "@enamel/openstack-clients"
import { Effect, Either } from "effect"

/** How the call ended: the error's tag, or "succeeded". */
const conflict = <A, R>(effect: Effect.Effect<A, OpenStackError, R>) =>
  Effect.map(Effect.either(effect), (result) => (Either.isLeft(result) ? result.left._tag : "succeeded"))

export const topologyLifecycle = (
  name: string,
  cidr: string
): Effect.Effect<void, OpenStackError, Neutron | Session> =>
  Effect.gen(function* () {
    const external = yield* Neutron.findNetwork("public")
    const network = yield* Neutron.createNetwork({ name, tags: [name, "network"] })
    expect(network).toMatchObject({ name, external: false, tags: [name, "network"] })
    expect(network.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    const subnet = yield* Neutron.createSubnet({
      networkId: network.id,
      name: `${name}-subnet`,
      cidr,
      ipVersion: 4,
      dnsNameservers: ["192.0.2.53"],
      tags: [name]
    })
    expect(subnet).toMatchObject({
      networkId: network.id,
      cidr,
      ipVersion: 4,
      gatewayIp: cidr.replace(/0\/\d+$/, "1"),
      dnsNameservers: ["192.0.2.53"],
      tags: [name]
    })
    const router = yield* Neutron.createRouter({
      name: `${name}-router`,
      externalNetworkId: external.id,
      tags: [name]
    })
    expect(router.externalGateway?.networkId).toBe(external.id)
    expect(router.tags).toEqual([name])
    const plugged = yield* Neutron.addRouterInterface(router.id, { subnetId: subnet.id })
    expect(plugged.subnetId).toBe(subnet.id)

    // Found by tags and by device owner, as network.create's re-runs and network.delete look for them.
    expect((yield* Neutron.listNetworks({ tags: [name, "network"] })).map((n) => n.id)).toEqual([network.id])
    expect((yield* Neutron.listSubnets({ tags: [name] })).map((s) => s.id)).toEqual([subnet.id])
    expect((yield* Neutron.listRouters({ tags: [name] })).map((r) => r.id)).toEqual([router.id])
    const interfaces = yield* Neutron.listPorts({
      networkId: network.id,
      deviceOwner: "network:router_interface"
    })
    expect(interfaces.map((p) => [p.id, p.deviceId])).toEqual([[plugged.portId, router.id]])
    expect(interfaces[0]?.fixedIps).toEqual([{ subnetId: subnet.id, ipAddress: subnet.gatewayIp }])

    // Neutron's order: nothing goes while what depends on it is still there.
    expect(yield* conflict(Neutron.deleteRouter(router.id))).toBe("OpenStackConflict")
    expect(yield* conflict(Neutron.deleteSubnet(subnet.id))).toBe("OpenStackConflict")
    expect(yield* conflict(Neutron.deleteNetwork(network.id))).toBe("OpenStackConflict")
    expect(yield* conflict(Neutron.deletePort(plugged.portId))).toBe("OpenStackConflict")

    yield* Neutron.removeRouterInterface(router.id, { subnetId: subnet.id })
    expect(yield* conflict(Neutron.removeRouterInterface(router.id, { subnetId: subnet.id }))).toBe(
      "OpenStackNotFound"
    )
    yield* Neutron.deleteRouter(router.id)
    yield* Neutron.deleteSubnet(subnet.id)
    yield* Neutron.deleteNetwork(network.id)
    expect(yield* conflict(Neutron.getNetwork(network.id))).toBe("OpenStackNotFound")
    expect(yield* conflict(Neutron.getRouter(router.id))).toBe("OpenStackNotFound")
  })

/** Removes what carries the tag, in Neutron's order, whatever state a failed test left it in. */
export const removeTagged = (tag: string): Effect.Effect<void, never, Neutron | Session> =>
  Effect.gen(function* () {
    const routers = yield* Neutron.listRouters({ tags: [tag] })
    const subnets = yield* Neutron.listSubnets({ tags: [tag] })
    for (const router of routers) {
      for (const subnet of subnets) {
        yield* Effect.ignore(Neutron.removeRouterInterface(router.id, { subnetId: subnet.id }))
      }
      yield* Effect.ignore(Neutron.deleteRouter(router.id))
    }
    for (const network of yield* Neutron.listNetworks({ tags: [tag] })) {
      yield* Effect.ignore(Neutron.deleteNetwork(network.id))
    }
  }).pipe(Effect.ignore)
