import { describe, expect, it } from "@effect/vitest"
import { Barbican, Cinder, Glance, HttpTransport, Neutron, Nova, RequestLog } from "@enamel/openstack-clients"
import { HttpTransportStub } from "@enamel/openstack-clients/testing"
import { Effect, Fiber, Ref, TestClock } from "effect"
import {
  imageTiny,
  projectId,
  type Route,
  reply,
  tokenOf,
  versionRoutes,
  withStubCloud
} from "../support/stubCloud.js"

const imagePath = `GET glance.test/v2/images/${imageTiny.id}`

/** A route that answers with `failures` in turn, then with `success` forever. */
const flaky = (failures: ReadonlyArray<Route>, success: Route) =>
  Effect.map(
    Ref.make(0),
    (count): Route =>
      (call) =>
        Effect.flatMap(
          Ref.getAndUpdate(count, (n) => n + 1),
          (n) => (failures[n] ?? success)(call)
        )
  )

const connectionReset: Route = () =>
  Effect.fail(new HttpTransport.TransportFailure({ message: "read ECONNRESET" }))

describe("service calls", () => {
  it.effect("retries an idempotent read on 503, 429 and a reset connection, then succeeds", () =>
    Effect.gen(function* () {
      const route = yield* flaky(
        [reply(503, "<html>busy</html>"), reply(429, { message: "slow down" }), connectionReset],
        reply(200, imageTiny)
      )
      yield* withStubCloud({ [imagePath]: route }, (cloud) =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(Glance.getImage(imageTiny.id))
          yield* TestClock.adjust("30 seconds")
          const image = yield* Fiber.join(fiber)
          expect(image.id).toBe(imageTiny.id)
          expect((yield* cloud.calls).filter((c) => c.method === "GET")).toHaveLength(4)
        })
      )
    })
  )

  it.effect("gives up on a read after the retry schedule's four retries", () =>
    withStubCloud({ [imagePath]: reply(503, { message: "down" }) }, (cloud) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(Effect.flip(Glance.getImage(imageTiny.id)))
        yield* TestClock.adjust("1 minute")
        const error = yield* Fiber.join(fiber)
        expect(error._tag).toBe("OpenStackServiceUnavailable")
        expect(error.status).toBe(503)
        expect((yield* cloud.calls).filter((c) => c.method === "GET")).toHaveLength(5)
      })
    )
  )

  it.effect("does not retry a write", () =>
    withStubCloud(
      {
        "POST neutron.test/v2.0/ports": reply(503, {
          NeutronError: { type: "Unavailable", message: "later" }
        })
      },
      (cloud) =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(Neutron.createPort({ networkId: "n1" }))
          expect(error._tag).toBe("OpenStackServiceUnavailable")
          expect(error.message).toBe("later")
          expect(
            (yield* cloud.calls).filter((c) => c.method === "POST" && c.url.includes("ports"))
          ).toHaveLength(1)
        })
    )
  )

  it.effect("does not retry a read that failed for good (404)", () =>
    withStubCloud({ [imagePath]: reply(404, "No image found") }, (cloud) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(Glance.getImage(imageTiny.id))
        expect(error._tag).toBe("OpenStackNotFound")
        expect((yield* cloud.calls).filter((c) => c.method === "GET")).toHaveLength(1)
      })
    )
  )

  it.effect("reports every call with its request id to the RequestLog, and sends the global request id", () =>
    withStubCloud(
      {
        [imagePath]: reply(200, imageTiny, { "x-openstack-request-id": "req-glance-1" }),
        "GET nova.test/v2.1/flavors/f1": reply(
          200,
          { flavor: { id: "f1", name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 } },
          { "x-compute-request-id": "req-nova-1" }
        ),
        ...versionRoutes
      },
      (cloud) =>
        Effect.gen(function* () {
          const memory = yield* RequestLog.makeMemory
          const globalId = "req-7d4e2b1a-3c5f-4e6d-8a9b-0c1d2e3f4a5b"
          yield* Effect.all([Glance.getImage(imageTiny.id), Nova.getFlavor("f1")]).pipe(
            Effect.provideService(RequestLog.RequestLog, memory.log),
            Effect.provideService(RequestLog.GlobalRequestId, globalId)
          )
          const entries = yield* memory.entries
          expect(entries.map(({ durationMs: _, ...e }) => e)).toEqual([
            {
              service: "keystone",
              method: "POST",
              url: "http://keystone.test/v3/auth/tokens",
              status: 201,
              requestId: "req-auth-1"
            },
            {
              service: "glance",
              method: "GET",
              url: `http://glance.test/v2/images/${imageTiny.id}`,
              status: 200,
              requestId: "req-glance-1"
            },
            {
              service: "nova",
              method: "GET",
              url: "http://nova.test/v2.1/",
              status: 200,
              requestId: undefined
            },
            {
              service: "nova",
              method: "GET",
              url: "http://nova.test/v2.1/flavors/f1",
              status: 200,
              requestId: "req-nova-1"
            }
          ])
          expect(RequestLog.globalRequestIdPattern.test(globalId)).toBe(true)
          for (const call of yield* cloud.calls) expect(call.headers["X-OpenStack-Request-ID"]).toBe(globalId)
        })
    )
  )

  it.effect("records calls that got no answer too", () =>
    withStubCloud({ [imagePath]: connectionReset }, () =>
      Effect.gen(function* () {
        const memory = yield* RequestLog.makeMemory
        const fiber = yield* Effect.fork(
          Effect.flip(Glance.getImage(imageTiny.id)).pipe(
            Effect.provideService(RequestLog.RequestLog, memory.log)
          )
        )
        yield* TestClock.adjust("1 minute")
        const error = yield* Fiber.join(fiber)
        expect(error._tag).toBe("OpenStackServiceUnavailable")
        expect(error.message).toContain("ECONNRESET")
        const failed = (yield* memory.entries).filter((e) => e.service === "glance")
        expect(failed).toHaveLength(5)
        expect(failed.every((e) => e.status === undefined && e.requestId === undefined)).toBe(true)
      })
    )
  )

  it.effect("negotiates the microversion once per endpoint and sends it", () =>
    withStubCloud(
      {
        ...versionRoutes,
        "GET nova.test/v2.1/flavors/f1": reply(200, {
          flavor: { id: "f1", name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 }
        }),
        "GET cinder.test/v3/p-alpha/types": reply(200, { volume_types: [] })
      },
      (cloud) =>
        Effect.gen(function* () {
          expect(yield* Nova.microversion).toBe("2.93")
          yield* Nova.getFlavor("f1")
          yield* Nova.getFlavor("f1")
          expect(yield* Cinder.microversion).toBe("3.70")
          yield* Cinder.listVolumeTypes()
          const calls = yield* cloud.calls
          expect(calls.filter((c) => c.url === "http://nova.test/v2.1/")).toHaveLength(1)
          const flavorCalls = calls.filter((c) => c.url.endsWith("/flavors/f1"))
          expect(flavorCalls.map((c) => c.headers["OpenStack-API-Version"])).toEqual([
            "compute 2.93",
            "compute 2.93"
          ])
          expect(calls.find((c) => c.url.endsWith("/types"))?.headers["OpenStack-API-Version"]).toBe(
            "volume 3.70"
          )
          expect(calls.every((c) => c.url.includes("keystone") || tokenOf(c) === "tok-1")).toBe(true)
        })
    )
  )

  it.effect("uses the cloud's highest microversion when it is older than ours, and refuses one too old", () =>
    Effect.gen(function* () {
      const version = (max: string) => ({
        "GET nova.test/v2.1/": reply(200, {
          version: { id: "v2.1", status: "CURRENT", version: max, min_version: "2.1" }
        })
      })
      expect(yield* withStubCloud(version("2.79"), () => Nova.microversion)).toBe("2.79")
      const error = yield* withStubCloud(version("2.53"), () => Effect.flip(Nova.microversion))
      expect(error._tag).toBe("OpenStackUnexpectedResponse")
      expect(error.message).toBe("http://nova.test/v2.1/ supports compute 2.1..2.53; we need 2.60..2.93")
    })
  )

  it.effect(
    "follows next links across pages (Neutron, Glance relative links, Barbican without its filters)",
    () =>
      withStubCloud(
        {
          "GET neutron.test/v2.0/ports": (call) => {
            const marker = new URL(call.url).searchParams.get("marker")
            const port = (id: string) => ({
              id,
              name: id,
              status: "DOWN",
              network_id: "n1",
              mac_address: "fa:16:3e:00:00:01",
              project_id: projectId,
              tags: ["t"]
            })
            const page =
              marker === null
                ? {
                    ports: [port("a")],
                    ports_links: [
                      { rel: "next", href: "http://neutron.test/v2.0/ports?tags=t&limit=1&marker=a" }
                    ]
                  }
                : marker === "a"
                  ? {
                      ports: [port("b")],
                      ports_links: [
                        { rel: "next", href: "http://neutron.test/v2.0/ports?tags=t&limit=1&marker=b" },
                        {
                          rel: "previous",
                          href: "http://neutron.test/v2.0/ports?tags=t&limit=1&marker=b&page_reverse=True"
                        }
                      ]
                    }
                  : {
                      ports: [],
                      ports_links: [{ rel: "previous", href: "http://neutron.test/v2.0/ports?marker=b" }]
                    }
            return Effect.succeed(HttpTransportStub.json(200, page))
          },
          "GET glance.test/v2/images": (call) =>
            Effect.succeed(
              HttpTransportStub.json(
                200,
                new URL(call.url).searchParams.get("marker") === null
                  ? { images: [imageTiny], next: `/v2/images?name=tiny&marker=${imageTiny.id}` }
                  : { images: [{ ...imageTiny, id: "second" }] }
              )
            ),
          "GET barbican.test/v1/secrets": (call) =>
            Effect.succeed(
              HttpTransportStub.json(
                200,
                new URL(call.url).searchParams.get("offset") === null
                  ? {
                      secrets: [
                        {
                          secret_ref: "http://barbican.test/v1/secrets/s1",
                          name: "k",
                          status: "ACTIVE",
                          secret_type: "opaque",
                          created: "2026-01-01T00:00:00"
                        }
                      ],
                      total: 2,
                      next: "http://barbican.test/v1/secrets?limit=1&offset=1"
                    }
                  : {
                      secrets: [
                        {
                          secret_ref: "http://barbican.test/v1/secrets/s2",
                          name: "k",
                          status: "ACTIVE",
                          secret_type: "opaque",
                          created: "2026-01-01T00:00:00"
                        }
                      ],
                      total: 2,
                      previous: "http://barbican.test/v1/secrets?limit=1&offset=0&name=k"
                    }
              )
            )
        },
        (cloud) =>
          Effect.gen(function* () {
            const ports = yield* Neutron.listPorts({ tags: ["t"], pageSize: 1 })
            expect(ports.map((p) => p.id)).toEqual(["a", "b"])
            const images = yield* Glance.listImages({ name: "tiny" })
            expect(images.map((i) => i.id)).toEqual([imageTiny.id, "second"])
            const secrets = yield* Barbican.listSecrets({ name: "k", pageSize: 1 })
            expect(secrets.map((s) => s.secretRef)).toEqual([
              "http://barbican.test/v1/secrets/s1",
              "http://barbican.test/v1/secrets/s2"
            ])
            const urls = (yield* cloud.calls).map((c) => c.url)
            expect(urls).toContain("http://neutron.test/v2.0/ports?tags=t&limit=1")
            expect(urls).toContain(`http://glance.test/v2/images?name=tiny&marker=${imageTiny.id}`)
            // Barbican's next link loses the name filter: it is put back.
            expect(urls).toContain("http://barbican.test/v1/secrets?limit=1&offset=1&name=k")
          })
      )
  )

  it.effect("reports a body that does not match its schema without echoing its values", () =>
    withStubCloud(
      {
        "GET barbican.test/v1/secrets/s1": reply(200, { secret_ref: 42, name: "hunter2", status: "ACTIVE" })
      },
      () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(Barbican.getSecret("http://elsewhere.test/v1/secrets/s1"))
          expect(error._tag).toBe("OpenStackUnexpectedResponse")
          expect(error.message).toContain("barbican answered 200 with a body we cannot read")
          expect(error.message).toContain("secret_ref")
          expect(error.message).not.toContain("hunter2")
          expect(error.message).not.toContain("42")
        })
    )
  )

  it.effect("fails with Timeout when a call gets no answer in time", () =>
    withStubCloud({ [imagePath]: () => Effect.never }, () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(Effect.flip(Glance.getImage(imageTiny.id)))
        yield* TestClock.adjust("10 minutes")
        const error = yield* Fiber.join(fiber)
        expect(error._tag).toBe("OpenStackTimeout")
      })
    )
  )
})
