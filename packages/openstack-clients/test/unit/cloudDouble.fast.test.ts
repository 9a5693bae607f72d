/**
 * The cloud double, through the real clients: every call they make is served and decodes with their own
 * schemas; projects see only their own things; resources live through their states over a few calls; and
 * each kind of fault does what it says.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  Cinder,
  ClientSettings,
  Credentials,
  Glance,
  Keystone,
  Neutron,
  Nova,
  type OpenStackClients,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import { CloudDouble, Fault } from "@enamel/openstack-clients/testing"
import { Duration, Effect, Either, Option, Redacted, type Scope } from "effect"
import { quotaReadings } from "../support/quotas.js"
import { topologyLifecycle } from "../support/topology.js"

type OnDouble = OpenStackClients.OpenStackClients | Session | CloudDouble.CloudDouble | Scope.Scope

/** Runs `body` as alice on a fresh double. */
const onDouble = <A, E>(body: Effect.Effect<A, E, OnDouble>, options: CloudDouble.Options = {}) =>
  body.pipe(Effect.scoped, Effect.provide(CloudDouble.layerClients("alice", options)))

/** Runs `self` as another seeded user on the same double. */
const as =
  (user: "alice" | "bob" | "enamel") =>
  <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.flatMap(CloudDouble.session(user), (session) => Effect.provideService(self, Session, session))

const cloud = CloudDouble.CloudDouble

const publicKey =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDG0pQ6W3y2Bqkq3l6Yxw0ZQf7m6k3cQ2wQ9hW2mJk8E alice@laptop"

/** A port on alice's `private`, and the 1 GiB volume of `tiny` a server can boot from. */
const bootParts = Effect.gen(function* () {
  const network = yield* Neutron.findNetwork("private")
  const image = yield* Glance.findImage("tiny")
  const flavor = yield* Nova.findFlavor("m1.tiny")
  const port = yield* Neutron.createPort({ networkId: network.id, name: "p0" })
  const volume = yield* Cinder.createVolume({ size: 1, name: "boot", imageId: image.id })
  yield* Cinder.waitForVolumeAvailable(volume.id)
  return { network, image, flavor, port, volume }
})

const boot = (name: string, deleteOnTermination: boolean) =>
  Effect.gen(function* () {
    const parts = yield* bootParts
    const { id } = yield* Nova.createServer({
      name,
      flavorId: parts.flavor.id,
      networks: [{ portId: parts.port.id }],
      blockDevices: [
        {
          sourceType: "volume",
          destinationType: "volume",
          uuid: parts.volume.id,
          bootIndex: 0,
          deleteOnTermination
        }
      ],
      tags: ["web"],
      metadata: { role: "web" }
    })
    return { ...parts, serverId: id }
  })

describe("the cloud double: Keystone", () => {
  it.live("authenticates a password, scoped to the user's project, with a catalog of the five services", () =>
    onDouble(
      Effect.gen(function* () {
        const { info, catalog } = yield* Effect.flatMap(Session, (s) => s.authentication)
        expect(info.user.name).toBe("alice")
        expect(info.project?.name).toBe("alpha")
        expect(info.roles.map((r) => r.name).sort()).toEqual(["member", "reader"])
        expect(catalog.map((e) => e.type).sort()).toEqual([
          "compute",
          "identity",
          "image",
          "network",
          "volumev3"
        ])
        const cinder = catalog.find((e) => e.type === "volumev3")
        expect(cinder?.endpoints.map((e) => e.interface).sort()).toEqual(["admin", "internal", "public"])
        expect(cinder?.endpoints[0]?.url).toBe(`http://cinder.cloud.test/v3/${info.project?.id}`)
        const wrong = Credentials.Password({
          user: { name: "alice", domainName: "Default" },
          password: Redacted.make("not-alice"),
          project: { name: "alpha", domainName: "Default" }
        })
        const refused = yield* Effect.flip(Keystone.authenticate(CloudDouble.authUrl, wrong))
        expect(refused._tag).toBe("OpenStackUnauthorized")
      })
    )
  )

  it.live(
    "validates a token for the service user (with or without the catalog), and not for another user",
    () =>
      onDouble(
        Effect.gen(function* () {
          const alice = yield* Effect.flatMap(Session, (s) => s.authentication)
          const info = yield* as("enamel")(Keystone.validateToken(alice.token))
          expect(info.user.name).toBe("alice")
          const full = yield* as("enamel")(Keystone.validateTokenWithCatalog(alice.token))
          expect(full.catalog.length).toBe(5)
          const validations = (yield* (yield* cloud).calls).filter(
            (c) => c.method === "GET" && c.path === "/auth/tokens"
          )
          expect(validations.map((c) => c.query)).toEqual([{ nocatalog: "1" }, {}])
          const refused = yield* Effect.flip(as("bob")(Keystone.validateToken(alice.token)))
          expect(refused._tag).toBe("OpenStackForbidden")
          const unknown = yield* Effect.flip(
            as("enamel")(Keystone.validateToken(Redacted.make("gAAAAAnope")))
          )
          expect(unknown).toMatchObject({
            _tag: "OpenStackNotFound",
            message: "Could not find token: gAAAAAnope."
          })
        })
      )
  )

  it.live("a revoked token is refused with 401, and the session authenticates again once", () =>
    onDouble(
      Effect.gen(function* () {
        const first = yield* Effect.flatMap(Session, (s) => s.authentication)
        yield* Keystone.revokeToken(first.token)
        yield* Glance.findImage("tiny")
        const calls = yield* (yield* cloud).calls
        expect(calls.filter((c) => c.path === "/auth/tokens").map((c) => `${c.method} ${c.status}`)).toEqual([
          "POST 201",
          "DELETE 204",
          "POST 201"
        ])
        expect(calls.filter((c) => c.service === "glance").map((c) => c.status)).toEqual([401, 200])
      })
    )
  )

  it.live("application credentials: created (secret shown once), used to authenticate, deleted", () =>
    onDouble(
      Effect.gen(function* () {
        const created = yield* Keystone.createApplicationCredential({
          name: "enamel",
          roles: [{ name: "member" }]
        })
        expect(created.roles.map((r) => r.name)).toEqual(["member"])
        expect((yield* Keystone.getApplicationCredential(created.id)).name).toBe("enamel")
        const payload = yield* Sessions.applicationCredentialKeyPayload(created)
        const session = yield* Sessions.fromApplicationCredentialKey(payload, { source: "test" })
        const info = (yield* session.authentication).info
        expect(info.methods).toEqual(["application_credential"])
        expect(info.applicationCredential?.id).toBe(created.id)
        expect(info.project?.name).toBe("alpha")
        yield* Keystone.deleteApplicationCredential(created.id)
        expect((yield* Effect.flip(Keystone.getApplicationCredential(created.id)))._tag).toBe(
          "OpenStackNotFound"
        )
        const again = yield* Sessions.fromApplicationCredentialKey(payload, { source: "test" })
        expect((yield* Effect.flip(again.authentication))._tag).toBe("OpenStackUnauthorized")
      })
    )
  )
})

describe("the cloud double: Nova", () => {
  it.live("negotiates microversion 2.93 and sends it; flavors by name, by id, and page by page", () =>
    onDouble(
      Effect.gen(function* () {
        expect(yield* Nova.microversion).toBe("2.93")
        const tiny = yield* Nova.findFlavor("m1.tiny")
        expect(tiny).toMatchObject({ name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 })
        expect((yield* Nova.findFlavor(tiny.id)).name).toBe("m1.tiny")
        expect((yield* Nova.listFlavors({ pageSize: 1 })).map((f) => f.name)).toEqual(["m1.tiny", "m1.small"])
        const calls = yield* (yield* cloud).calls
        const pages = calls.filter((c) => c.path === "/flavors/detail" && c.query.limit === "1")
        expect(pages.map((c) => c.query.marker === undefined)).toEqual([true, false, false])
        expect(
          calls
            .filter((c) => c.service === "nova" && c.path !== "/")
            .every((c) => c.microversion === "compute 2.93")
        ).toBe(true)
        const missing = yield* Effect.flip(Nova.getFlavor("nope"))
        expect(missing).toMatchObject({ _tag: "OpenStackNotFound", kind: "itemNotFound", status: 404 })
        expect(missing.requestId).toMatch(/^req-/)
      })
    )
  )

  it.live("keypairs: imported with a fingerprint, refused twice, deleted; the quota holds", () =>
    onDouble(
      Effect.gen(function* () {
        const imported = yield* Nova.importKeypair({ name: "k", publicKey })
        expect(imported.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/)
        expect((yield* Nova.getKeypair("k")).publicKey).toBe(publicKey)
        expect((yield* Effect.flip(Nova.importKeypair({ name: "k", publicKey })))._tag).toBe(
          "OpenStackConflict"
        )
        yield* Nova.deleteKeypair("k")
        expect((yield* Effect.flip(Nova.getKeypair("k")))._tag).toBe("OpenStackNotFound")
        yield* (yield* cloud).setQuota("alpha", { keyPairs: 0 })
        const over = yield* Effect.flip(Nova.importKeypair({ name: "k", publicKey }))
        expect(over).toMatchObject({
          _tag: "OpenStackOverQuota",
          message: "Quota exceeded, too many key pairs."
        })
      })
    )
  )

  it.live(
    "a server builds over a few calls: its port bound, its volume attached; deleted, it lets go of both",
    () =>
      onDouble(
        Effect.gen(function* () {
          const { serverId, port, volume } = yield* boot("web-1", false)
          expect((yield* Nova.getServer(serverId)).status).toBe("BUILD")
          const active = yield* Nova.waitForServerActive(serverId)
          expect(active).toMatchObject({
            name: "web-1",
            tags: ["web"],
            metadata: { role: "web" },
            taskState: null
          })
          expect(active.volumesAttached).toEqual([{ id: volume.id, deleteOnTermination: false }])
          expect(active.addresses.private?.map((a) => a.addr)).toEqual(
            port.fixedIps.map((ip) => ip.ipAddress)
          )
          expect(yield* Neutron.getPort(port.id)).toMatchObject({
            deviceId: serverId,
            deviceOwner: "compute:nova"
          })
          const attached = yield* Cinder.getVolume(volume.id)
          expect(attached.status).toBe("in-use")
          expect(attached.attachments.map((a) => a.serverId)).toEqual([serverId])

          const found = yield* Nova.listServers({ name: "web-1", tags: ["web"], metadata: { role: "web" } })
          expect(found.map((s) => s.id)).toEqual([serverId])
          expect(yield* Nova.listServers({ name: "web-" })).toEqual([])

          yield* Nova.deleteServer(serverId)
          expect((yield* Nova.getServer(serverId)).taskState).toBe("deleting")
          yield* Nova.waitForServerDeleted(serverId)
          expect((yield* Neutron.getPort(port.id)).deviceId).toBe("")
          expect(yield* Cinder.getVolume(volume.id)).toMatchObject({ status: "available", attachments: [] })
        })
      )
  )

  it.live("a boot volume deleted on termination goes with its server", () =>
    onDouble(
      Effect.gen(function* () {
        const { serverId, volume } = yield* boot("web-1", true)
        yield* Nova.waitForServerActive(serverId)
        yield* Nova.deleteServer(serverId)
        yield* Nova.waitForServerDeleted(serverId)
        yield* Cinder.waitForVolumeDeleted(volume.id)
        expect((yield* Effect.flip(Cinder.getVolume(volume.id)))._tag).toBe("OpenStackNotFound")
      })
    )
  )

  it.live("how many calls a build takes is a setting", () =>
    onDouble(
      Effect.gen(function* () {
        const { serverId } = yield* boot("slow", false)
        const statuses = yield* Effect.forEach([1, 2, 3, 4, 5], () =>
          Effect.map(Nova.getServer(serverId), (s) => s.status)
        )
        expect(statuses).toEqual(["BUILD", "BUILD", "BUILD", "BUILD", "ACTIVE"])
      }),
      { steps: { serverBuild: 5 } }
    )
  )

  it.live("over the instance quota, Nova says so (403) and nothing is made", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        yield* double.setQuota("alpha", { instances: 0 })
        const error = yield* Effect.flip(boot("web-1", false))
        expect(error).toMatchObject({ _tag: "OpenStackOverQuota", status: 403, service: "nova" })
        expect((yield* double.snapshot).alpha?.servers).toEqual([])
      })
    )
  )
})

describe("the cloud double: Neutron", () => {
  it.live("networks, subnets and security groups: the project's own, and the shared external network", () =>
    onDouble(
      Effect.gen(function* () {
        const seeded = yield* (yield* cloud).seeded
        const privateNet = yield* Neutron.findNetwork("private")
        expect(privateNet.id).toBe(seeded.networks["alpha/private"])
        expect((yield* Neutron.listNetworks({ external: true })).map((n) => n.name)).toEqual(["public"])
        expect((yield* Neutron.listNetworks()).map((n) => n.name).sort()).toEqual(["private", "public"])
        const subnet = yield* Neutron.findSubnet("private-subnet", { networkId: privateNet.id })
        expect(subnet).toMatchObject({ cidr: "10.0.1.0/24", gatewayIp: "10.0.1.1", networkId: privateNet.id })
        expect((yield* Neutron.getSubnet(subnet.id)).name).toBe("private-subnet")
        const group = yield* Neutron.findSecurityGroup("default")
        expect(group.id).toBe(seeded.securityGroups["alpha/default"])
        expect((yield* Neutron.getSecurityGroup(group.id)).name).toBe("default")
        const bobs = seeded.networks["beta/private"] ?? ""
        expect(yield* Effect.flip(Neutron.getNetwork(bobs))).toMatchObject({
          kind: "NetworkNotFound",
          status: 404
        })
      })
    )
  )

  it.live("ports: tagged, found by tags, network, device and name; a taken address is a conflict", () =>
    onDouble(
      Effect.gen(function* () {
        const network = yield* Neutron.findNetwork("private")
        const subnet = yield* Neutron.findSubnet("private-subnet")
        const port = yield* Neutron.createPort({
          networkId: network.id,
          name: "p0",
          description: "mine",
          tags: ["a=1", "b=2"],
          fixedIps: [{ subnetId: subnet.id, ipAddress: "10.0.1.50" }]
        })
        expect(port).toMatchObject({
          tags: ["a=1", "b=2"],
          fixedIps: [{ ipAddress: "10.0.1.50" }],
          status: "DOWN"
        })
        expect(port.securityGroups).toEqual([(yield* Neutron.findSecurityGroup("default")).id])
        for (const filter of [
          { tags: ["a=1", "b=2"] },
          { networkId: network.id },
          { deviceId: "" },
          { name: "p0" }
        ]) {
          expect((yield* Neutron.listPorts(filter)).map((p) => p.id)).toEqual([port.id])
        }
        expect(yield* Neutron.listPorts({ tags: ["a=1", "c=3"] })).toEqual([])
        const other = yield* Neutron.createPort({ networkId: network.id, name: "p1" })
        expect((yield* Neutron.listPorts({ pageSize: 1 })).map((p) => p.id)).toEqual([port.id, other.id])
        const taken = yield* Effect.flip(
          Neutron.createPort({
            networkId: network.id,
            fixedIps: [{ subnetId: subnet.id, ipAddress: "10.0.1.50" }]
          })
        )
        expect(taken).toMatchObject({ _tag: "OpenStackConflict", kind: "IpAddressAlreadyAllocated" })
        yield* Neutron.deletePort(port.id)
        expect(yield* Effect.flip(Neutron.getPort(port.id))).toMatchObject({ kind: "PortNotFound" })
      })
    )
  )

  it.live("floating IPs: associated at creation or later, found by port and tags, released", () =>
    onDouble(
      Effect.gen(function* () {
        const network = yield* Neutron.findNetwork("private")
        const external = yield* Neutron.findNetwork("public")
        const port = yield* Neutron.createPort({ networkId: network.id })
        const ip = yield* Neutron.createFloatingIp({ networkId: external.id, portId: port.id, tags: ["t"] })
        expect(ip).toMatchObject({
          portId: port.id,
          fixedIpAddress: port.fixedIps[0]?.ipAddress,
          tags: ["t"]
        })
        expect(ip.floatingIpAddress).toMatch(/^172\.24\.4\.\d+$/)
        expect((yield* Neutron.listFloatingIps({ portId: port.id })).map((f) => f.id)).toEqual([ip.id])
        expect((yield* Neutron.listFloatingIps({ tags: ["t"] })).map((f) => f.id)).toEqual([ip.id])
        const second = yield* Effect.flip(
          Neutron.createFloatingIp({ networkId: external.id, portId: port.id })
        )
        expect(second).toMatchObject({ _tag: "OpenStackConflict", kind: "FloatingIPPortAlreadyAssociated" })
        expect((yield* Neutron.associateFloatingIp(ip.id, null)).portId).toBeNull()
        expect((yield* Neutron.associateFloatingIp(ip.id, port.id)).portId).toBe(port.id)
        const notExternal = yield* Effect.flip(Neutron.createFloatingIp({ networkId: network.id }))
        expect(notExternal._tag).toBe("OpenStackBadRequest")
        yield* Neutron.deleteFloatingIp(ip.id)
        expect(yield* Neutron.listFloatingIps()).toEqual([])
      })
    )
  )

  it.live("over the port quota, Neutron says OverQuota (409)", () =>
    onDouble(
      Effect.gen(function* () {
        yield* (yield* cloud).setQuota("alpha", { ports: 0 })
        const network = yield* Neutron.findNetwork("private")
        const error = yield* Effect.flip(Neutron.createPort({ networkId: network.id }))
        expect(error).toMatchObject({ _tag: "OpenStackOverQuota", status: 409, kind: "OverQuota" })
      })
    )
  )
})

describe("the cloud double: Cinder and Glance", () => {
  it.live(
    "volumes: microversion 3.70, created over a few calls, found by metadata, name and status, deleted",
    () =>
      onDouble(
        Effect.gen(function* () {
          expect(yield* Cinder.microversion).toBe("3.70")
          const image = yield* Glance.findImage("tiny")
          const type = yield* Cinder.findVolumeType("__DEFAULT__")
          expect((yield* Cinder.listVolumeTypes()).map((t) => t.id)).toEqual([type.id])
          expect((yield* Cinder.getVolumeType(type.id)).name).toBe("__DEFAULT__")
          const created = yield* Cinder.createVolume({
            size: 1,
            name: "v",
            imageId: image.id,
            metadata: { k: "v" }
          })
          expect(created).toMatchObject({ status: "creating", bootable: false, volumeType: "__DEFAULT__" })
          const available = yield* Cinder.waitForVolumeAvailable(created.id)
          expect(available).toMatchObject({ status: "available", bootable: true, metadata: { k: "v" } })
          for (const filter of [{ metadata: { k: "v" } }, { name: "v" }, { status: "available" }]) {
            expect((yield* Cinder.listVolumes(filter)).map((v) => v.id)).toEqual([created.id])
          }
          expect(yield* Cinder.listVolumes({ metadata: { k: "w" } })).toEqual([])
          const newer = yield* Cinder.createVolume({ size: 1, name: "w" })
          expect((yield* Cinder.listVolumes({ pageSize: 1 })).map((v) => v.id)).toEqual([
            newer.id,
            created.id
          ])
          yield* Cinder.deleteVolume(newer.id)
          yield* Cinder.deleteVolume(created.id)
          expect((yield* Cinder.getVolume(created.id)).status).toBe("deleting")
          yield* Cinder.waitForVolumeDeleted(created.id)
          const missing = yield* Effect.flip(Cinder.getVolume(created.id))
          expect(missing).toMatchObject({
            _tag: "OpenStackNotFound",
            message: `Volume ${created.id} could not be found.`
          })
        })
      )
  )

  it.live("over the volume quota, Cinder says so (413)", () =>
    onDouble(
      Effect.gen(function* () {
        yield* (yield* cloud).setQuota("alpha", { gigabytes: 1 })
        const error = yield* Effect.flip(Cinder.createVolume({ size: 2 }))
        expect(error).toMatchObject({ _tag: "OpenStackOverQuota", status: 413, kind: "overLimit" })
      })
    )
  )

  it.live("images: by name, by id, page by page; a missing one in Glance's words", () =>
    onDouble(
      Effect.gen(function* () {
        const tiny = yield* Glance.findImage("tiny")
        expect(tiny).toMatchObject({
          name: "tiny",
          status: "active",
          visibility: "public",
          diskFormat: "raw"
        })
        expect((yield* Glance.getImage(tiny.id)).id).toBe(tiny.id)
        expect((yield* Glance.listImages({ pageSize: 1 })).map((i) => i.id)).toEqual([tiny.id])
        const id = crypto.randomUUID()
        const missing = yield* Effect.flip(Glance.getImage(id))
        expect(missing).toMatchObject({ _tag: "OpenStackNotFound", message: `No image found with ID ${id}` })
      })
    )
  )
})

describe("the cloud double: projects", () => {
  it.live(
    "bob sees none of alice's servers, ports, volumes, floating IPs or keypairs; the snapshot tells them apart",
    () =>
      onDouble(
        Effect.gen(function* () {
          const { serverId, port, volume } = yield* boot("web-1", false)
          const external = yield* Neutron.findNetwork("public")
          const ip = yield* Neutron.createFloatingIp({ networkId: external.id, portId: port.id })
          yield* Nova.importKeypair({ name: "k", publicKey })
          const bob = as("bob")
          expect((yield* Effect.flip(bob(Nova.getServer(serverId))))._tag).toBe("OpenStackNotFound")
          expect((yield* Effect.flip(bob(Neutron.getPort(port.id))))._tag).toBe("OpenStackNotFound")
          expect((yield* Effect.flip(bob(Cinder.getVolume(volume.id))))._tag).toBe("OpenStackNotFound")
          expect((yield* Effect.flip(bob(Neutron.getFloatingIp(ip.id))))._tag).toBe("OpenStackNotFound")
          expect((yield* Effect.flip(bob(Nova.getKeypair("k"))))._tag).toBe("OpenStackNotFound")
          expect(yield* bob(Nova.listServers())).toEqual([])
          expect((yield* bob(Neutron.findNetwork("private"))).id).not.toBe(port.networkId)
          expect((yield* bob(Neutron.findNetwork("public"))).id).toBe(external.id)

          const snapshot = yield* (yield* cloud).snapshot
          expect(snapshot.alpha?.servers.map((s) => s.name)).toEqual(["web-1"])
          expect(snapshot.alpha?.volumes.map((v) => v.id)).toEqual([volume.id])
          expect(snapshot.alpha?.floatingIps.map((f) => f.portId)).toEqual([port.id])
          expect(snapshot.alpha?.keypairs).toEqual([expect.objectContaining({ name: "k", user: "alice" })])
          expect(snapshot.beta).toEqual({
            servers: [],
            volumes: [],
            snapshots: [],
            ports: [],
            floatingIps: [],
            networks: [expect.objectContaining({ name: "private" })],
            routers: [],
            keypairs: []
          })
        })
      )
  )
})

describe("the cloud double: faults", () => {
  it.live(
    "Status: the n-th matching call is answered with the status in the service's words; nothing happens",
    () =>
      onDouble(
        Effect.gen(function* () {
          const double = yield* cloud
          const network = yield* Neutron.findNetwork("private")
          const fault = yield* double.inject({
            service: "neutron",
            method: "POST",
            path: "/ports",
            nth: 2,
            answer: Fault.status(409, "Port is busy", "PortBusy")
          })
          yield* Neutron.createPort({ networkId: network.id, name: "first" })
          const refused = yield* Effect.flip(Neutron.createPort({ networkId: network.id, name: "second" }))
          expect(refused).toMatchObject({
            _tag: "OpenStackConflict",
            kind: "PortBusy",
            message: "Port is busy"
          })
          yield* Neutron.createPort({ networkId: network.id, name: "third" })
          expect(yield* fault.fired).toBe(1)
          expect((yield* double.snapshot).alpha?.ports.map((p) => p.name)).toEqual(["first", "third"])
          const logged = (yield* double.calls).filter((c) => c.path === "/ports")
          expect(logged.map((c) => [c.status, c.landed, c.fault])).toEqual([
            [201, true, undefined],
            [409, false, "Status"],
            [201, true, undefined]
          ])
        })
      )
  )

  it.live("OverQuota: each service's own answer", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        for (const service of ["nova", "cinder", "neutron"] as const) {
          yield* double.inject({ service, method: "POST", answer: Fault.overQuota })
        }
        const network = yield* Neutron.findNetwork("private")
        const flavor = yield* Nova.findFlavor("m1.tiny")
        const errors = yield* Effect.all([
          Effect.flip(Nova.createServer({ name: "s", flavorId: flavor.id, networks: "none", imageId: "x" })),
          Effect.flip(Cinder.createVolume({ size: 1 })),
          Effect.flip(Neutron.createPort({ networkId: network.id }))
        ])
        expect(errors.map((e) => [e._tag, e.status])).toEqual([
          ["OpenStackOverQuota", 403],
          ["OpenStackOverQuota", 413],
          ["OpenStackOverQuota", 409]
        ])
      })
    )
  )

  it.live(
    "Disconnect: a read is retried by the client, a create fails as unreachable and nothing is made",
    () =>
      onDouble(
        Effect.gen(function* () {
          const double = yield* cloud
          yield* double.inject({ service: "glance", method: "GET", nth: 1, answer: Fault.disconnect })
          expect((yield* Glance.findImage("tiny")).name).toBe("tiny")
          const network = yield* Neutron.findNetwork("private")
          yield* double.inject({
            service: "neutron",
            method: "POST",
            path: "/ports",
            answer: Fault.disconnect
          })
          const error = yield* Effect.flip(Neutron.createPort({ networkId: network.id }))
          expect(error._tag).toBe("OpenStackServiceUnavailable")
          expect((yield* double.snapshot).alpha?.ports).toEqual([])
          const glance = (yield* double.calls).filter((c) => c.service === "glance")
          expect(glance.map((c) => c.status)).toEqual([undefined, 200])
        })
      )
  )

  it.live("NoAnswer: the client's request timeout ends the call, and nothing is made", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        const network = yield* Neutron.findNetwork("private")
        yield* double.inject({ service: "neutron", method: "POST", path: "/ports", answer: Fault.noAnswer })
        const error = yield* Effect.flip(
          Neutron.createPort({ networkId: network.id }).pipe(
            Effect.provideService(ClientSettings.ClientSettings, {
              ...CloudDouble.fastSettings,
              requestTimeout: Duration.millis(20)
            })
          )
        )
        expect(error._tag).toBe("OpenStackTimeout")
        expect((yield* double.snapshot).alpha?.ports).toEqual([])
      })
    )
  )

  it.live("Lost: the call lands (the port exists, untagged) and the client sees the failure", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        const network = yield* Neutron.findNetwork("private")
        yield* double.inject({ service: "neutron", method: "POST", path: "/ports", answer: Fault.lost() })
        const dropped = yield* Effect.flip(
          Neutron.createPort({ networkId: network.id, name: "p", tags: ["t"] })
        )
        expect(dropped._tag).toBe("OpenStackServiceUnavailable")
        yield* double.clearFaults
        yield* double.inject({ service: "cinder", method: "POST", answer: Fault.lost(Fault.status(504)) })
        const gateway = yield* Effect.flip(Cinder.createVolume({ size: 1, name: "v" }))
        expect(gateway).toMatchObject({ _tag: "OpenStackServiceUnavailable", status: 504 })
        const alpha = (yield* double.snapshot).alpha
        expect(alpha?.ports.map((p) => [p.name, p.tags])).toEqual([["p", []]])
        expect(alpha?.volumes.map((v) => v.name)).toEqual(["v"])
      })
    )
  )

  it.live(
    "ErrorState: the server goes to ERROR with its fault, the volume to error with Cinder's message",
    () =>
      onDouble(
        Effect.gen(function* () {
          const double = yield* cloud
          const volumeFault = yield* double.inject({
            service: "cinder",
            method: "POST",
            path: "/volumes",
            nth: 2,
            answer: Fault.errorState("No valid backend was found.")
          })
          yield* double.inject({
            service: "nova",
            method: "POST",
            path: "/servers",
            answer: Fault.errorState("No valid host was found.")
          })
          const { serverId, volume } = yield* boot("web-1", false)
          const failed = yield* Effect.flip(Nova.waitForServerActive(serverId))
          expect(failed).toMatchObject({
            _tag: "OpenStackResourceFailed",
            resourceStatus: "ERROR",
            message: "No valid host was found."
          })
          expect((yield* Cinder.getVolume(volume.id)).status).toBe("available")
          yield* Nova.deleteServer(serverId)
          yield* Nova.waitForServerDeleted(serverId)

          const broken = yield* Cinder.createVolume({ size: 1 })
          const error = yield* Effect.flip(Cinder.waitForVolumeAvailable(broken.id))
          expect(error).toMatchObject({
            _tag: "OpenStackResourceFailed",
            message: "No valid backend was found."
          })
          expect((yield* Cinder.listMessages(broken.id)).map((m) => m.userMessage)).toEqual([
            "No valid backend was found."
          ])
          expect(yield* volumeFault.fired).toBe(1)
        })
      )
  )

  it.live("a rule matches on anything in the call, and can be lifted", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        const network = yield* Neutron.findNetwork("private")
        const fault = yield* double.inject({
          method: "POST",
          where: (call) => call.bodyText.includes("refuse-me"),
          answer: Fault.status(403)
        })
        const refused = yield* Effect.either(Neutron.createPort({ networkId: network.id, name: "refuse-me" }))
        expect(Either.isLeft(refused)).toBe(true)
        yield* Neutron.createPort({ networkId: network.id, name: "fine" })
        yield* fault.remove
        yield* Neutron.createPort({ networkId: network.id, name: "refuse-me" })
        expect((yield* double.snapshot).alpha?.ports.map((p) => p.name)).toEqual(["fine", "refuse-me"])
        expect(Option.fromNullable((yield* double.calls).at(-1)?.requestId).pipe(Option.isSome)).toBe(true)
      })
    )
  )
})

describe("cloud double: quotas", () => {
  it.live(
    "Nova's limits, the user's keypairs, Cinder's limits and Neutron's quota details, as the dev cloud's",
    () => onDouble(quotaReadings("enamel-quota-key"))
  )

  it.live("the limits follow setQuota, and what the project makes is counted", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        yield* double.setQuota("alpha", { instances: 3, ports: 7 })
        const network = yield* Neutron.findNetwork("private")
        yield* Neutron.createPort({ networkId: network.id, name: "counted" })
        const [compute, quotas] = yield* Effect.all([Nova.getComputeLimits(), Neutron.getNetworkQuotas()])
        expect(compute.maxTotalInstances).toBe(3)
        expect(quotas.port).toMatchObject({ limit: 7 })
        expect(quotas.port?.used).toBeGreaterThanOrEqual(1)
      })
    )
  )
})

describe("cloud double: routed networks", () => {
  it.live(
    "network, subnet, router with a gateway and interface, refused while in use, removed in order",
    () => onDouble(topologyLifecycle("enamel-topology", "10.99.7.0/24"))
  )

  it.live("quotas and an external network without free addresses are refused as Neutron does", () =>
    onDouble(
      Effect.gen(function* () {
        const double = yield* cloud
        yield* double.setQuota("alpha", { routers: 0 })
        const overQuota = yield* Effect.flip(Neutron.createRouter({ name: "r" }))
        expect([overQuota._tag, overQuota.status]).toEqual(["OpenStackOverQuota", 409])
        expect(overQuota.message).toContain("router")
        yield* double.setQuota("alpha", { routers: 5 })
        const full = yield* double.addNetwork({
          project: "admin",
          name: "full",
          cidr: "192.0.2.0/24",
          external: true,
          shared: true,
          pool: { start: "192.0.2.10", end: "192.0.2.10" }
        })
        const first = yield* Neutron.createRouter({ name: "r1", externalNetworkId: full.networkId })
        const noAddress = yield* Effect.flip(
          Neutron.createRouter({ name: "r2", externalNetworkId: full.networkId })
        )
        expect(noAddress.message).toContain("No more IP addresses")
        yield* Neutron.deleteRouter(first.id)
        // Its gateway address is free again.
        yield* Neutron.createRouter({ name: "r3", externalNetworkId: full.networkId })
      })
    )
  )
})
