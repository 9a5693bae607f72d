import { describe, expect, layer } from "@effect/vitest"
import { Neutron, Session } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { cloudLayer, uniqueName } from "../support/cloud.js"
import { scopedFloatingIp, scopedPort } from "../support/resources.js"
import { removeTagged, topologyLifecycle } from "../support/topology.js"

const missingId = "00000000-0000-4000-8000-000000000000"

describe("Neutron (dev cloud, as alice)", () => {
  layer(cloudLayer("alice"), { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("finds networks, subnets and security groups by name and by id", () =>
      Effect.gen(function* () {
        const project = (yield* Effect.flatMap(Session, (s) => s.authentication)).info.project?.id
        const privateNet = yield* Neutron.findNetwork("private")
        expect(privateNet).toMatchObject({ name: "private", projectId: project, external: false })
        expect(yield* Neutron.findNetwork(privateNet.id)).toEqual(privateNet)
        const publicNet = yield* Neutron.findNetwork("public")
        expect(publicNet.external).toBe(true)
        const external = yield* Neutron.listNetworks({ external: true })
        expect(external.map((n) => n.name)).toContain("public")
        expect(external.every((n) => n.external)).toBe(true)

        const subnet = yield* Neutron.findSubnet("private-subnet", { networkId: privateNet.id })
        expect(subnet).toMatchObject({
          networkId: privateNet.id,
          cidr: "10.0.1.0/24",
          ipVersion: 4,
          gatewayIp: "10.0.1.1"
        })
        expect(yield* Neutron.findSubnet(subnet.id)).toEqual(subnet)

        const group = yield* Neutron.findSecurityGroup("default")
        expect(group.projectId).toBe(project)
        expect(yield* Neutron.findSecurityGroup(group.id)).toEqual(group)

        const missing = yield* Effect.flip(Neutron.findNetwork("no-such-network"))
        expect(missing).toMatchObject({
          _tag: "OpenStackNotFound",
          service: "neutron"
        })
        const missingById = yield* Effect.flip(Neutron.getNetwork(missingId))
        expect(missingById).toMatchObject({ _tag: "OpenStackNotFound", status: 404 })
        expect(missingById.message).toBe(`Network ${missingId} could not be found.`)
        expect(missingById.requestId).toMatch(/^req-/)
      })
    )

    it.scoped("ports: create with security groups and tags, list by tag across pages, get, delete", () =>
      Effect.gen(function* () {
        const tag = uniqueName("port")
        const network = yield* Neutron.findNetwork("private")
        const subnet = yield* Neutron.findSubnet("private-subnet", { networkId: network.id })
        const group = yield* Neutron.findSecurityGroup("default")
        const [first, second] = yield* Effect.all(
          [
            scopedPort({
              networkId: network.id,
              name: tag,
              securityGroups: [group.id],
              tags: [tag, "first"]
            }),
            scopedPort({ networkId: network.id, name: `${tag}-2`, securityGroups: [group.id], tags: [tag] })
          ],
          { concurrency: "unbounded" }
        )
        expect(first).toMatchObject({ name: tag, networkId: network.id, securityGroups: [group.id] })
        expect([...first.tags].sort()).toEqual(["first", tag].sort())
        expect(first.fixedIps[0]?.subnetId).toBe(subnet.id)

        const tagged = yield* Neutron.listPorts({ tags: [tag], pageSize: 1 })
        expect(tagged.map((p) => p.id).sort()).toEqual([first.id, second.id].sort())
        expect((yield* Neutron.listPorts({ tags: [tag, "first"] })).map((p) => p.id)).toEqual([first.id])
        const fetched = yield* Neutron.getPort(first.id)
        expect(fetched.id).toBe(first.id)
        expect([...fetched.tags].sort()).toEqual([...first.tags].sort())

        // The same fixed address twice is a Conflict in Neutron's words.
        const address = first.fixedIps[0]?.ipAddress ?? ""
        const taken = yield* Effect.flip(
          Neutron.createPort({
            networkId: network.id,
            fixedIps: [{ subnetId: subnet.id, ipAddress: address }]
          })
        )
        expect(taken).toMatchObject({ _tag: "OpenStackConflict", status: 409, service: "neutron" })
        expect(taken.message).toContain(address)

        const invalid = yield* Effect.flip(
          Neutron.createPort({
            networkId: network.id,
            fixedIps: [{ subnetId: subnet.id, ipAddress: "not-an-ip" }]
          })
        )
        expect(invalid).toMatchObject({ _tag: "OpenStackBadRequest", status: 400 })
        expect(invalid.message).toContain("not-an-ip")

        yield* Neutron.deletePort(second.id)
        expect((yield* Effect.flip(Neutron.getPort(second.id)))._tag).toBe("OpenStackNotFound")
        const again = yield* Effect.flip(Neutron.deletePort(second.id))
        expect(again.message).toBe(`Port ${second.id} could not be found.`)
        expect((yield* Neutron.listPorts({ tags: [tag] })).map((p) => p.id)).toEqual([first.id])
      })
    )

    it.scoped("floating IPs: create on the external network, associate to a port, list by tag, release", () =>
      Effect.gen(function* () {
        const tag = uniqueName("fip")
        const [network, publicNet] = yield* Effect.all([
          Neutron.findNetwork("private"),
          Neutron.findNetwork("public")
        ])
        const port = yield* scopedPort({ networkId: network.id, name: tag })
        const ip = yield* scopedFloatingIp({ networkId: publicNet.id, description: tag, tags: [tag] })
        expect(ip).toMatchObject({
          floatingNetworkId: publicNet.id,
          portId: null,
          description: tag,
          tags: [tag]
        })
        expect(ip.floatingIpAddress).toMatch(/^172\.24\.4\.\d+$/)

        const associated = yield* Neutron.associateFloatingIp(ip.id, port.id)
        expect(associated.portId).toBe(port.id)
        expect(associated.fixedIpAddress).toBe(port.fixedIps[0]?.ipAddress)
        const listed = yield* Neutron.listFloatingIps({ tags: [tag] })
        expect(listed.map((i) => [i.id, i.portId])).toEqual([[ip.id, port.id]])
        expect((yield* Neutron.listFloatingIps({ portId: port.id })).map((i) => i.id)).toEqual([ip.id])

        const released = yield* Neutron.associateFloatingIp(ip.id, null)
        expect(released.portId).toBeNull()
        yield* Neutron.deleteFloatingIp(ip.id)
        expect((yield* Effect.flip(Neutron.getFloatingIp(ip.id)))._tag).toBe("OpenStackNotFound")
        expect(yield* Neutron.listFloatingIps({ tags: [tag] })).toEqual([])

        // A floating IP from a network that is not external is refused with Neutron's reason.
        const refused = yield* Effect.flip(Neutron.createFloatingIp({ networkId: network.id }))
        expect(refused._tag).toBe("OpenStackBadRequest")
        expect(refused.message).toContain(network.id)
      })
    )

    it.effect("a routed network: create, tag, find, refused while in use, removed in order", () => {
      const name = uniqueName("topology")
      // 10.99.x.0/24 with a random x: other tests of the dev cloud use 10.0.x.
      const cidr = `10.99.${Math.floor(Math.random() * 250) + 1}.0/24`
      return topologyLifecycle(name, cidr).pipe(Effect.ensuring(removeTagged(name)))
    })
  })
})
