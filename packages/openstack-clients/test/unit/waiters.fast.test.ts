import { describe, expect, it } from "@effect/vitest"
import { Cinder, Nova } from "@enamel/openstack-clients"
import { HttpTransportStub } from "@enamel/openstack-clients/testing"
import { Effect, Fiber, Option, Ref, TestClock } from "effect"
import inUse from "../fixtures/cinder-volume-in-use.json"
import server from "../fixtures/nova-server.json"
import { projectId, type Route, versionRoutes, withStubCloud } from "../support/stubCloud.js"

const serverPath = `GET nova.test/v2.1/servers/${server.server.id}`
const volumePath = `GET cinder.test/v3/${projectId}/volumes/${inUse.volume.id}`

/** Answers with each body in turn (the last one forever), counting polls. */
const sequence = (bodies: ReadonlyArray<{ status: number; body: unknown }>) =>
  Effect.gen(function* () {
    const polls = yield* Ref.make(0)
    const route: Route = () =>
      Effect.map(
        Ref.getAndUpdate(polls, (n) => n + 1),
        (n) => {
          const next = bodies[Math.min(n, bodies.length - 1)] ?? { status: 500, body: {} }
          return HttpTransportStub.json(next.status, next.body)
        }
      )
    return { route, polls: Ref.get(polls) }
  })

const serverIn = (status: string, extra: object = {}) => ({
  status: 200,
  body: { server: { ...server.server, status, ...extra } }
})
const volumeIn = (status: string) => ({ status: 200, body: { volume: { ...inUse.volume, status } } })
/** The volume with no attachments left (Nova has detached it). */
const detachedIn = (status: string) => ({
  status: 200,
  body: { volume: { ...inUse.volume, status, attachments: [] } }
})
const volumeGone = {
  status: 404,
  body: { itemNotFound: { code: 404, message: "Volume could not be found." } }
}

describe("waiters (stub cloud, test clock)", () => {
  it.effect("polls every 0.2 s until ACTIVE", () =>
    Effect.gen(function* () {
      const { route, polls } = yield* sequence([serverIn("BUILD"), serverIn("BUILD"), serverIn("ACTIVE")])
      yield* withStubCloud({ ...versionRoutes, [serverPath]: route }, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(Nova.waitForServerActive(server.server.id))
          yield* TestClock.adjust("200 millis")
          expect(yield* polls).toBe(2)
          yield* TestClock.adjust("200 millis")
          const active = yield* Fiber.join(fiber)
          expect(active.status).toBe("ACTIVE")
          expect(yield* polls).toBe(3)
        })
      )
    })
  )

  it.effect("a server in ERROR fails with Nova's fault message", () =>
    Effect.gen(function* () {
      const fault = {
        code: 500,
        message: "No valid host was found. There are not enough hosts available.",
        created: "2026-11-24T23:00:00Z"
      }
      const { route } = yield* sequence([serverIn("BUILD"), serverIn("ERROR", { fault })])
      yield* withStubCloud({ ...versionRoutes, [serverPath]: route }, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(Effect.flip(Nova.waitForServerActive(server.server.id)))
          yield* TestClock.adjust("1 second")
          const error = yield* Fiber.join(fiber)
          expect(error).toMatchObject({
            _tag: "OpenStackResourceFailed",
            service: "nova",
            resource: "server",
            resourceId: server.server.id,
            resourceStatus: "ERROR",
            message: fault.message
          })
        })
      )
    })
  )

  it.effect("a wait that runs out of time says what it last saw", () =>
    Effect.gen(function* () {
      const { route } = yield* sequence([serverIn("BUILD")])
      yield* withStubCloud({ ...versionRoutes, [serverPath]: route }, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(
            Effect.flip(Nova.waitForServerActive(server.server.id, { timeout: "5 seconds" }))
          )
          yield* TestClock.adjust("5 seconds")
          const error = yield* Fiber.join(fiber)
          expect(error._tag).toBe("OpenStackTimeout")
          expect(error.message).toBe(
            `server ${server.server.id} did not become ACTIVE in time (last status: BUILD)`
          )
        })
      )
    })
  )

  it.effect("a deleted server is gone at 404", () =>
    Effect.gen(function* () {
      const { route, polls } = yield* sequence([
        serverIn("ACTIVE", { "OS-EXT-STS:task_state": "deleting" }),
        { status: 404, body: { itemNotFound: { code: 404, message: "gone" } } }
      ])
      yield* withStubCloud({ ...versionRoutes, [serverPath]: route }, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(Nova.waitForServerDeleted(server.server.id))
          yield* TestClock.adjust("1 second")
          yield* Fiber.join(fiber)
          expect(yield* polls).toBe(2)
        })
      )
    })
  )

  it.effect("a volume in error fails with Cinder's newest message about it", () =>
    Effect.gen(function* () {
      const { route } = yield* sequence([volumeIn("creating"), volumeIn("error")])
      const messages: Route = () =>
        Effect.succeed(
          HttpTransportStub.json(200, {
            messages: [
              {
                id: "m2",
                user_message: "schedule allocate volume:Could not find any available weighted backend.",
                created_at: "2026-11-24T23:00:01.000000",
                resource_uuid: inUse.volume.id
              },
              {
                id: "m1",
                user_message: "older",
                created_at: "2026-11-24T23:00:00.000000",
                resource_uuid: inUse.volume.id
              }
            ]
          })
        )
      yield* withStubCloud(
        { ...versionRoutes, [volumePath]: route, [`GET cinder.test/v3/${projectId}/messages`]: messages },
        (cloud) =>
          Effect.gen(function* () {
            const fiber = yield* Effect.fork(Effect.flip(Cinder.waitForVolumeAvailable(inUse.volume.id)))
            yield* TestClock.adjust("1 second")
            const error = yield* Fiber.join(fiber)
            expect(error).toMatchObject({
              _tag: "OpenStackResourceFailed",
              service: "cinder",
              resource: "volume",
              resourceStatus: "error",
              message: "schedule allocate volume:Could not find any available weighted backend."
            })
            const query = new URL((yield* cloud.calls).at(-1)?.url ?? "http://x").searchParams
            expect(query.get("resource_uuid")).toBe(inUse.volume.id)
          })
      )
    })
  )

  describe("a volume becoming deletable", () => {
    it.effect(
      "waits while it is attached or detaching, and returns it once available and attached to nothing",
      () =>
        Effect.gen(function* () {
          const { route, polls } = yield* sequence([
            volumeIn("in-use"),
            volumeIn("detaching"),
            // Cinder may say `available` a moment before the attachment record is gone.
            volumeIn("available"),
            detachedIn("available")
          ])
          yield* withStubCloud({ ...versionRoutes, [volumePath]: route }, () =>
            Effect.gen(function* () {
              const fiber = yield* Effect.fork(Cinder.waitForVolumeDeletable(inUse.volume.id))
              yield* TestClock.adjust("400 millis")
              expect(yield* polls).toBe(3)
              expect(fiber.unsafePoll()).toBeNull()
              yield* TestClock.adjust("200 millis")
              const seen = yield* Fiber.join(fiber)
              expect(Option.map(seen, (v) => [v.status, v.attachments.length])).toEqual(
                Option.some(["available", 0])
              )
              expect(yield* polls).toBe(4)
            })
          )
        })
    )

    it.effect("a volume in error with no attachments may be deleted at once", () =>
      Effect.gen(function* () {
        const { route, polls } = yield* sequence([detachedIn("error")])
        yield* withStubCloud({ ...versionRoutes, [volumePath]: route }, () =>
          Effect.gen(function* () {
            const seen = yield* Cinder.waitForVolumeDeletable(inUse.volume.id)
            expect(Option.map(seen, (v) => v.status)).toEqual(Option.some("error"))
            expect(yield* polls).toBe(1)
          })
        )
      })
    )

    it.effect("one already being deleted (Nova's delete_on_termination) needs no delete of ours", () =>
      Effect.gen(function* () {
        const { route } = yield* sequence([volumeIn("in-use"), detachedIn("deleting")])
        yield* withStubCloud({ ...versionRoutes, [volumePath]: route }, () =>
          Effect.gen(function* () {
            const fiber = yield* Effect.fork(Cinder.waitForVolumeDeletable(inUse.volume.id))
            yield* TestClock.adjust("200 millis")
            const seen = yield* Fiber.join(fiber)
            expect(Option.map(seen, (v) => v.status)).toEqual(Option.some("deleting"))
          })
        )
      })
    )

    it.effect("one that is gone is none", () =>
      Effect.gen(function* () {
        const { route } = yield* sequence([volumeIn("in-use"), volumeGone])
        yield* withStubCloud({ ...versionRoutes, [volumePath]: route }, () =>
          Effect.gen(function* () {
            const fiber = yield* Effect.fork(Cinder.waitForVolumeDeletable(inUse.volume.id))
            yield* TestClock.adjust("200 millis")
            expect(Option.isNone(yield* Fiber.join(fiber))).toBe(true)
          })
        )
      })
    )

    it.effect("error_deleting fails with Cinder's message instead of waiting for an admin", () =>
      Effect.gen(function* () {
        const { route } = yield* sequence([detachedIn("error_deleting")])
        const messages: Route = () =>
          Effect.succeed(
            HttpTransportStub.json(200, {
              messages: [
                {
                  id: "m1",
                  user_message: "delete volume:An unknown error occurred.",
                  created_at: "2026-11-24T23:00:01.000000",
                  resource_uuid: inUse.volume.id
                }
              ]
            })
          )
        yield* withStubCloud(
          { ...versionRoutes, [volumePath]: route, [`GET cinder.test/v3/${projectId}/messages`]: messages },
          () =>
            Effect.gen(function* () {
              const error = yield* Effect.flip(Cinder.waitForVolumeDeletable(inUse.volume.id))
              expect(error).toMatchObject({
                _tag: "OpenStackResourceFailed",
                resource: "volume",
                resourceStatus: "error_deleting",
                message: "delete volume:An unknown error occurred."
              })
            })
        )
      })
    )

    it.effect("a volume that stays attached times out naming its status and the attachment", () =>
      Effect.gen(function* () {
        const { route } = yield* sequence([volumeIn("in-use")])
        yield* withStubCloud({ ...versionRoutes, [volumePath]: route }, () =>
          Effect.gen(function* () {
            const fiber = yield* Effect.fork(
              Effect.flip(Cinder.waitForVolumeDeletable(inUse.volume.id, { timeout: "3 seconds" }))
            )
            yield* TestClock.adjust("3 seconds")
            const error = yield* Fiber.join(fiber)
            expect(error._tag).toBe("OpenStackTimeout")
            expect(error.message).toBe(
              `volume ${inUse.volume.id} did not become deletable in time (last status: in-use, attached)`
            )
          })
        )
      })
    )
  })

  it.effect("the poll interval comes from ClientSettings when not given", () =>
    Effect.gen(function* () {
      const { route, polls } = yield* sequence([
        volumeIn("creating"),
        volumeIn("creating"),
        volumeIn("available")
      ])
      yield* withStubCloud({ ...versionRoutes, [volumePath]: route }, () =>
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(
            Cinder.waitForVolumeAvailable(inUse.volume.id, { interval: "1 second" })
          )
          yield* TestClock.adjust("999 millis")
          expect(yield* polls).toBe(1)
          yield* TestClock.adjust("2 seconds")
          expect((yield* Fiber.join(fiber)).status).toBe("available")
        })
      )
    })
  )
})
