import { describe, expect, it } from "@effect/vitest"
import { Neutron } from "@enamel/openstack-clients"
import { HttpTransportStub } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import floatingIp from "../fixtures/neutron-floatingip.json"
import networks from "../fixtures/neutron-networks.json"
import port from "../fixtures/neutron-port.json"
import securityGroups from "../fixtures/neutron-security-groups.json"
import subnets from "../fixtures/neutron-subnets.json"
import { projectId, reply, sentJson, withStubCloud } from "../support/stubCloud.js"

const portId = port.port.id
const net = (id: string, project: string, name = "private") => ({
  ...networks.networks[0],
  id,
  name,
  project_id: project
})

describe("Neutron (stub cloud, Zed responses)", () => {
  it.effect("decodes networks, subnets and security groups", () =>
    withStubCloud(
      {
        "GET neutron.test/v2.0/networks": reply(200, networks),
        "GET neutron.test/v2.0/subnets": reply(200, subnets),
        "GET neutron.test/v2.0/security-groups": reply(200, securityGroups)
      },
      () =>
        Effect.gen(function* () {
          const [network] = yield* Neutron.listNetworks({ name: "private" })
          expect(network).toMatchObject({ name: "private", status: "ACTIVE", external: false, shared: false })
          expect(network?.subnets).toHaveLength(1)
          const [subnet] = yield* Neutron.listSubnets()
          expect(subnet).toMatchObject({
            name: "private-subnet",
            cidr: "10.0.1.0/24",
            ipVersion: 4,
            gatewayIp: "10.0.1.1"
          })
          const [group] = yield* Neutron.listSecurityGroups()
          expect(group).toMatchObject({ name: "default", description: "Default security group" })
        })
    )
  )

  it.effect(
    "prefers the session's own project among networks with one name; otherwise it is a Conflict",
    () =>
      withStubCloud(
        {
          "GET neutron.test/v2.0/networks": (call) =>
            Effect.succeed(
              HttpTransportStub.json(200, {
                networks:
                  new URL(call.url).searchParams.get("name") === "private"
                    ? [net("theirs", "p-beta"), net("ours", projectId)]
                    : [net("a", "p-1", "shared"), net("b", "p-2", "shared")]
              })
            )
        },
        () =>
          Effect.gen(function* () {
            expect((yield* Neutron.findNetwork("private")).id).toBe("ours")
            const ambiguous = yield* Effect.flip(Neutron.findNetwork("shared"))
            expect(ambiguous._tag).toBe("OpenStackConflict")
            expect(ambiguous.message).toBe('2 networks are named "shared"; use an id')
          })
      )
  )

  it.effect("creates a port, then tags it (PUT .../tags)", () =>
    withStubCloud(
      {
        "POST neutron.test/v2.0/ports": reply(201, { port: { ...port.port, tags: [] } }),
        [`PUT neutron.test/v2.0/ports/${portId}/tags`]: (call) =>
          Effect.succeed(HttpTransportStub.json(200, sentJson(call)))
      },
      (cloud) =>
        Effect.gen(function* () {
          const created = yield* Neutron.createPort({
            networkId: "net-1",
            name: "p",
            securityGroups: ["sg-1"],
            fixedIps: [{ subnetId: "sub-1" }],
            tags: ["t1", "t2"]
          })
          expect(created).toMatchObject({
            id: portId,
            macAddress: "fa:16:3e:88:88:1c",
            deviceId: "",
            fixedIps: [{ subnetId: "1bc87952-222a-4690-a4f8-2b5cc3a84809", ipAddress: "10.0.1.161" }],
            securityGroups: ["593618c8-f7a3-48dc-9b9f-a02fa7d15a3c"],
            tags: ["t1", "t2"]
          })
          const [post, put] = (yield* cloud.calls).filter((c) => c.url.includes("/ports"))
          expect(sentJson(post)).toEqual({
            port: {
              network_id: "net-1",
              name: "p",
              security_groups: ["sg-1"],
              fixed_ips: [{ subnet_id: "sub-1" }]
            }
          })
          expect(sentJson(put)).toEqual({ tags: ["t1", "t2"] })
        })
    )
  )

  it.effect("deletes the port again when tagging it fails", () =>
    withStubCloud(
      {
        "POST neutron.test/v2.0/ports": reply(201, port),
        [`PUT neutron.test/v2.0/ports/${portId}/tags`]: reply(400, {
          NeutronError: { type: "HTTPBadRequest", message: "Invalid tag", detail: "" }
        }),
        [`DELETE neutron.test/v2.0/ports/${portId}`]: reply(204, undefined)
      },
      (cloud) =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(Neutron.createPort({ networkId: "net-1", tags: ["bad,tag"] }))
          expect(error).toMatchObject({ _tag: "OpenStackBadRequest", message: "Invalid tag" })
          expect((yield* cloud.calls).map((c) => c.method).slice(1)).toEqual(["POST", "PUT", "DELETE"])
        })
    )
  )

  it.effect("decodes a floating IP and associates it", () =>
    withStubCloud(
      {
        [`PUT neutron.test/v2.0/floatingips/${floatingIp.floatingip.id}`]: reply(200, floatingIp),
        "GET neutron.test/v2.0/floatingips": reply(200, { floatingips: [floatingIp.floatingip] })
      },
      (cloud) =>
        Effect.gen(function* () {
          const associated = yield* Neutron.associateFloatingIp(floatingIp.floatingip.id, portId)
          expect(associated).toMatchObject({
            portId,
            fixedIpAddress: "10.0.1.161",
            floatingIpAddress: floatingIp.floatingip.floating_ip_address,
            status: floatingIp.floatingip.status
          })
          expect(sentJson((yield* cloud.calls).at(-1))).toEqual({ floatingip: { port_id: portId } })
          yield* Neutron.listFloatingIps({ tags: ["a", "b"] })
          expect((yield* cloud.calls).at(-1)?.url).toBe("http://neutron.test/v2.0/floatingips?tags=a%2Cb")
        })
    )
  )
})
