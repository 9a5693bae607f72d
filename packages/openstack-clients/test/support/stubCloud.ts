/**
 * A stub OpenStack for unit tests: routes calls by method and path to canned replies shaped like the real
 * services' (taken from a Zed cloud), and keeps every call it saw. No network.
 */
import {
  Credentials,
  HttpTransport,
  OpenStackClients,
  type Session,
  Sessions
} from "@enamel/openstack-clients"
import { HttpTransportStub } from "@enamel/openstack-clients/testing"
import { Clock, Effect, Layer, Redacted, Ref } from "effect"

export const authUrl = "http://keystone.test/v3"
export const projectId = "p-alpha"

export const catalog = [
  {
    type: "identity",
    name: "keystone",
    endpoints: [{ interface: "public", region_id: "RegionOne", url: "http://keystone.test/v3/" }]
  },
  {
    type: "compute",
    name: "nova",
    endpoints: [
      { interface: "public", region_id: "RegionOne", url: "http://nova.test/v2.1" },
      { interface: "internal", region_id: "RegionOne", url: "http://nova-internal.test/v2.1" },
      { interface: "public", region_id: "RegionTwo", url: "http://nova-two.test/v2.1" }
    ]
  },
  {
    type: "network",
    name: "neutron",
    endpoints: [{ interface: "public", region_id: "RegionOne", url: "http://neutron.test" }]
  },
  {
    type: "volumev3",
    name: "cinderv3",
    endpoints: [{ interface: "public", region_id: "RegionOne", url: `http://cinder.test/v3/${projectId}` }]
  },
  {
    type: "image",
    name: "glance",
    endpoints: [{ interface: "public", region_id: "RegionOne", url: "http://glance.test" }]
  },
  {
    type: "key-manager",
    name: "barbican",
    endpoints: [{ interface: "public", region_id: "RegionOne", url: "http://barbican.test" }]
  }
]

/** A token body as Keystone Zed returns it, expiring at `expiresAt` (ms since epoch). */
export const tokenBody = (expiresAt: number, issuedAt = expiresAt - 3_600_000) => ({
  token: {
    methods: ["password"],
    user: {
      domain: { id: "default", name: "Default" },
      id: "u-alice",
      name: "alice",
      password_expires_at: null
    },
    audit_ids: ["qwaLfHveTm2NjhWdJjimNw"],
    expires_at: new Date(expiresAt).toISOString().replace("Z", "000Z"),
    issued_at: new Date(issuedAt).toISOString().replace("Z", "000Z"),
    project: { domain: { id: "default", name: "Default" }, id: projectId, name: "alpha" },
    is_domain: false,
    roles: [
      { id: "r-member", name: "member" },
      { id: "r-reader", name: "reader" }
    ],
    catalog
  }
})

export const passwordCredentials = Credentials.Password({
  user: { name: "alice", domainName: "Default" },
  password: Redacted.make("alice-password"),
  project: { name: "alpha", domainName: "Default" }
})

export type Route = (
  call: HttpTransport.HttpCall
) => Effect.Effect<HttpTransport.HttpReply, HttpTransport.TransportFailure>

const pathOf = (url: string) => {
  const parsed = new URL(url)
  return `${parsed.host}${parsed.pathname}`
}

/**
 * A stub cloud: `routes` maps `"METHOD host/path"` to a reply. Keystone's POST /v3/auth/tokens is answered
 * with a fresh token `tok-<n>` valid for an hour from the (test) clock unless the routes say otherwise.
 * An unrouted call is a defect, so a test cannot pass by accident.
 */
export const makeStubCloud = (routes: Record<string, Route>) =>
  Effect.gen(function* () {
    const issued = yield* Ref.make(0)
    const authenticate: Route = () =>
      Effect.gen(function* () {
        const n = yield* Ref.updateAndGet(issued, (count) => count + 1)
        const now = yield* Clock.currentTimeMillis
        return HttpTransportStub.json(201, tokenBody(now + 3_600_000, now), {
          "x-subject-token": `tok-${n}`,
          "x-openstack-request-id": `req-auth-${n}`
        })
      })
    const all: Record<string, Route> = { "POST keystone.test/v3/auth/tokens": authenticate, ...routes }
    const recorded = yield* HttpTransportStub.recording((call) => {
      const route = all[`${call.method} ${pathOf(call.url)}`]
      return route === undefined
        ? Effect.dieMessage(`stub cloud: no route for ${call.method} ${call.url}`)
        : route(call)
    })
    const transport = Layer.succeed(HttpTransport.HttpTransport, recorded.transport)
    return { transport, calls: recorded.calls, authentications: Ref.get(issued) }
  })

/** The clients, a password session (alice@alpha) and the stub transport, as one layer. */
export const stubLayer = (transport: Layer.Layer<HttpTransport.HttpTransport>) =>
  Layer.provideMerge(
    Layer.merge(
      OpenStackClients.layerWithoutTransport,
      Sessions.layer({ authUrl, credentials: passwordCredentials, region: "RegionOne" })
    ),
    transport
  )

/** Runs `body` against a stub cloud with the given routes. */
export const withStubCloud = <A, E>(
  routes: Record<string, Route>,
  body: (
    cloud: Effect.Effect.Success<ReturnType<typeof makeStubCloud>>
  ) => Effect.Effect<A, E, OpenStackClients.OpenStackClients | Session>
) =>
  Effect.gen(function* () {
    const cloud = yield* makeStubCloud(routes)
    return yield* Effect.provide(body(cloud), stubLayer(cloud.transport))
  })

export const reply =
  (status: number, body: unknown, headers: Record<string, string> = {}): Route =>
  () =>
    Effect.succeed(HttpTransportStub.json(status, body, headers))

/** The JSON body a call sent. */
export const sentJson = (call: HttpTransport.HttpCall | undefined): unknown =>
  call?.body === undefined ? undefined : JSON.parse(call.body.text)

/** Nova's and Cinder's version documents (Zed). */
export const versionRoutes: Record<string, Route> = {
  "GET nova.test/v2.1/": reply(200, {
    version: {
      id: "v2.1",
      status: "CURRENT",
      version: "2.93",
      min_version: "2.1",
      updated: "2013-07-23T11:33:21Z"
    }
  }),
  "GET cinder.test/v3/": reply(200, {
    versions: [
      { id: "v3.0", status: "CURRENT", version: "3.70", min_version: "3.0", updated: "2022-08-31T00:00:00Z" }
    ]
  })
}

export const imageTiny = {
  id: "5f1c0d5e-8b0a-4a53-9a2e-1c1e0b3f9d10",
  name: "tiny",
  status: "active",
  visibility: "public",
  size: 1048576,
  min_disk: 0,
  min_ram: 0,
  disk_format: "raw",
  container_format: "bare",
  tags: [],
  checksum: "b6d81b360a5672d80c27430f39153e2c",
  os_hash_algo: "sha512",
  self: "/v2/images/5f1c0d5e-8b0a-4a53-9a2e-1c1e0b3f9d10",
  schema: "/v2/schemas/image"
}

/** The token a call was sent with. */
export const tokenOf = (call: HttpTransport.HttpCall | undefined): string | undefined =>
  call?.headers["X-Auth-Token"]
