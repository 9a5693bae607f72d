import { describe, expect, it } from "@effect/vitest"
import { Glance, Session, Sessions } from "@enamel/openstack-clients"
import { HttpTransportStub } from "@enamel/openstack-clients/testing"
import { Clock, Effect, Exit, Fiber, Inspectable, Layer, Redacted, Ref, TestClock } from "effect"
import {
  authUrl,
  imageTiny,
  makeStubCloud,
  passwordCredentials,
  reply,
  stubLayer,
  tokenBody,
  tokenOf,
  withStubCloud
} from "../support/stubCloud.js"

const imagePath = `GET glance.test/v2/images/${imageTiny.id}`
const getImage = Glance.getImage(imageTiny.id)

describe("Session", () => {
  it.effect("authenticates lazily, once, and reuses the token", () =>
    withStubCloud({ [imagePath]: reply(200, imageTiny) }, (cloud) =>
      Effect.gen(function* () {
        expect(yield* cloud.authentications).toBe(0)
        yield* getImage
        yield* getImage
        expect(yield* cloud.authentications).toBe(1)
        const calls = yield* cloud.calls
        expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
          `POST ${authUrl}/auth/tokens`,
          `GET http://glance.test/v2/images/${imageTiny.id}`,
          `GET http://glance.test/v2/images/${imageTiny.id}`
        ])
        expect(calls.slice(1).map(tokenOf)).toEqual(["tok-1", "tok-1"])
        expect(JSON.parse(calls[0]?.body?.text ?? "{}")).toEqual({
          auth: {
            identity: {
              methods: ["password"],
              password: { user: { name: "alice", domain: { name: "Default" }, password: "alice-password" } }
            },
            scope: { project: { name: "alpha", domain: { name: "Default" } } }
          }
        })
      })
    )
  )

  it.effect("re-authenticates when the token is within the refresh margin of its expiry", () =>
    withStubCloud({ [imagePath]: reply(200, imageTiny) }, (cloud) =>
      Effect.gen(function* () {
        yield* getImage
        yield* TestClock.adjust("57 minutes")
        yield* getImage
        expect(yield* cloud.authentications).toBe(1)
        yield* TestClock.adjust("1 minute") // 2 minutes left: the default margin
        yield* getImage
        expect(yield* cloud.authentications).toBe(2)
        const tokens = (yield* cloud.calls).filter((c) => c.method === "GET").map(tokenOf)
        expect(tokens).toEqual(["tok-1", "tok-1", "tok-2"])
      })
    )
  )

  it.effect(
    "with short-lived tokens, refreshes a quarter of the lifetime before expiry, not on every call",
    () =>
      withStubCloud(
        {
          [imagePath]: reply(200, imageTiny),
          "POST keystone.test/v3/auth/tokens": (_call) =>
            Effect.map(Clock.currentTimeMillis, (now) =>
              HttpTransportStub.json(201, tokenBody(now + 60_000, now), { "x-subject-token": `tok-${now}` })
            )
        },
        (cloud) =>
          Effect.gen(function* () {
            yield* getImage
            yield* TestClock.adjust("44 seconds")
            yield* getImage
            yield* TestClock.adjust("2 seconds") // 14 s left: less than a quarter of 60 s
            yield* getImage
            const tokens = (yield* cloud.calls).filter((c) => c.method === "GET").map(tokenOf)
            expect(tokens).toEqual(["tok-0", "tok-0", "tok-46000"])
          })
      )
  )

  it.effect("re-authenticates exactly once when a service answers 401, then succeeds", () =>
    withStubCloud(
      {
        [imagePath]: (call) =>
          Effect.succeed(
            tokenOf(call) === "tok-1"
              ? HttpTransportStub.json(401, { error: { code: 401, message: "Authentication required" } })
              : HttpTransportStub.json(200, imageTiny)
          )
      },
      (cloud) =>
        Effect.gen(function* () {
          const image = yield* getImage
          expect(image.name).toBe("tiny")
          expect(yield* cloud.authentications).toBe(2)
          expect((yield* cloud.calls).filter((c) => c.method === "GET").map(tokenOf)).toEqual([
            "tok-1",
            "tok-2"
          ])
        })
    )
  )

  it.effect("gives up with Unauthorized when the fresh token is refused too", () =>
    withStubCloud(
      { [imagePath]: reply(401, { error: { code: 401, message: "Authentication required" } }) },
      (cloud) =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(getImage)
          expect(error._tag).toBe("OpenStackUnauthorized")
          expect(yield* cloud.authentications).toBe(2)
          expect((yield* cloud.calls).filter((c) => c.method === "GET")).toHaveLength(2)
        })
    )
  )

  it.effect("shares one re-authentication among concurrent calls refused with the same token", () =>
    withStubCloud(
      {
        [imagePath]: (call) =>
          Effect.succeed(
            tokenOf(call) === "tok-1"
              ? HttpTransportStub.json(401, { error: { code: 401, message: "Authentication required" } })
              : HttpTransportStub.json(200, imageTiny)
          )
      },
      (cloud) =>
        Effect.gen(function* () {
          const session = yield* Session
          yield* session.authentication
          yield* Effect.all([getImage, getImage, getImage, getImage], { concurrency: "unbounded" })
          expect(yield* cloud.authentications).toBe(2)
        })
    )
  )

  it.effect("fails with Unauthorized, naming Keystone's words, when the password is wrong", () =>
    withStubCloud(
      {
        "POST keystone.test/v3/auth/tokens": reply(
          401,
          {
            error: {
              code: 401,
              message: "The request you have made requires authentication.",
              title: "Unauthorized"
            }
          },
          { "x-openstack-request-id": "req-k" }
        )
      },
      () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(getImage)
          expect(error._tag).toBe("OpenStackUnauthorized")
          expect(error.service).toBe("keystone")
          expect(error.requestId).toBe("req-k")
          expect(error.message).toBe("The request you have made requires authentication.")
        })
    )
  )

  it.effect("picks endpoints by interface and region, and says which one is missing", () =>
    Effect.gen(function* () {
      const cloud = yield* makeStubCloud({})
      const endpointFor = (options: { interface?: "public" | "internal" | "admin"; region?: string }) =>
        Effect.scoped(
          Effect.flatMap(
            Sessions.make({ authUrl, credentials: passwordCredentials, ...options }),
            (session) => session.endpoint("compute")
          )
        ).pipe(Effect.provide(cloud.transport))
      expect(yield* endpointFor({})).toBe("http://nova.test/v2.1")
      expect(yield* endpointFor({ interface: "internal" })).toBe("http://nova-internal.test/v2.1")
      expect(yield* endpointFor({ region: "RegionTwo" })).toBe("http://nova-two.test/v2.1")
      const missing = yield* Effect.flip(endpointFor({ interface: "admin" }))
      expect(missing._tag).toBe("OpenStackEndpointNotFound")
      expect(missing.message).toBe("the service catalog has no admin endpoint for compute")
      const noRegion = yield* Effect.flip(endpointFor({ region: "Nowhere" }))
      expect(noRegion._tag).toBe("OpenStackEndpointNotFound")
    })
  )

  it.effect("revokes its token when its scope closes, if asked to", () =>
    Effect.gen(function* () {
      const revoked = yield* Ref.make<ReadonlyArray<string | undefined>>([])
      const cloud = yield* makeStubCloud({
        "DELETE keystone.test/v3/auth/tokens": (call) =>
          Effect.as(
            Ref.update(revoked, (all) => [...all, call.headers["X-Subject-Token"]]),
            HttpTransportStub.text(204, "")
          )
      })
      yield* Effect.scoped(
        Effect.flatMap(
          Sessions.make({ authUrl, credentials: passwordCredentials, revokeOnClose: true }),
          (s) => s.authentication
        )
      ).pipe(Effect.provide(cloud.transport))
      expect(yield* Ref.get(revoked)).toEqual(["tok-1"])
      // A session that never authenticated has nothing to revoke.
      yield* Effect.scoped(
        Sessions.make({ authUrl, credentials: passwordCredentials, revokeOnClose: true })
      ).pipe(Effect.provide(cloud.transport))
      expect(yield* Ref.get(revoked)).toEqual(["tok-1"])
    })
  )

  it.effect("never shows the token or the password when printed", () =>
    withStubCloud({}, () =>
      Effect.gen(function* () {
        const session = yield* Session
        const authentication = yield* session.authentication
        expect(Redacted.value(authentication.token)).toBe("tok-1")
        const printed = [
          JSON.stringify(authentication),
          Inspectable.format(authentication),
          String(authentication.token),
          JSON.stringify(passwordCredentials),
          Inspectable.format(passwordCredentials)
        ].join("\n")
        expect(printed).not.toContain("tok-1")
        expect(printed).not.toContain("alice-password")
        expect(authentication.info.user.name).toBe("alice")
        expect(authentication.info.roles.map((r) => r.name)).toEqual(["member", "reader"])
      })
    )
  )

  it.effect("interrupting a call does not leave the session stuck", () =>
    Effect.gen(function* () {
      const cloud = yield* makeStubCloud({
        [imagePath]: reply(200, imageTiny)
      })
      const layer = stubLayer(cloud.transport)
      const exit = yield* Effect.gen(function* () {
        const fiber = yield* Effect.fork(Effect.zipRight(Effect.sleep("1 second"), getImage))
        yield* Fiber.interrupt(fiber)
        return yield* Effect.exit(getImage)
      }).pipe(Effect.provide(Layer.fresh(layer)))
      expect(Exit.isSuccess(exit)).toBe(true)
    })
  )
})
