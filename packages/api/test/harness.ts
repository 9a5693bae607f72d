import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { BrokerMemory } from "@enamel/broker"
import type { Caller } from "@enamel/domain/contract"
import { Cinder, Nova, OpenStackClients, Session } from "@enamel/openstack-clients"
import { CloudDouble, type SeededUser } from "@enamel/openstack-clients/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Context, DateTime, Effect, Layer, Redacted } from "effect"
import { HttpLive } from "../src/ApiServer.js"
import * as TokenValidator from "../src/auth/TokenValidator.js"
import * as UserKeys from "../src/keys/UserKeys.js"

/**
 * The tokens of four callers: alice and bob (members) in two projects, carol (only `reader`) in alice's,
 * and an admin.
 */
export const tokens = {
  alice: "token-alice-secret",
  bob: "token-bob-secret",
  carol: "token-carol-secret",
  admin: "token-admin-secret"
} as const

/** The callers behind `tokens`, as the static token validator describes them to the API. */
export class TestCallers extends Context.Tag("@enamel/api/test/TestCallers")<
  TestCallers,
  { readonly [Who in keyof typeof tokens]: Caller }
>() {}

/**
 * OpenStack for the API's tests: the in-memory cloud double (seeded like the dev cloud: alice@alpha,
 * bob@beta, networks private/public, image tiny, flavor m1.tiny) and the real clients over it.
 */
export const TestCloud = OpenStackClients.layerWithoutTransport.pipe(
  Layer.provideMerge(CloudDouble.layer()),
  Layer.provideMerge(CloudDouble.layerFastSettings)
)

/**
 * The static token validator: each token's caller, as Keystone would describe them, with a session of
 * the double's user (the admin acts with the session of Enamel's service user). The API asks Nova with it.
 */
export const TestAuth = Layer.unwrapScoped(
  Effect.gen(function* () {
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (cloud) => cloud.seeded)
    const caller = (
      user: SeededUser,
      project: string,
      roles: ReadonlyArray<string>,
      token: string,
      userId = seeded.users[user] ?? user
    ) =>
      Effect.map(
        CloudDouble.session(user),
        (session): Caller => ({
          userId,
          projectId: seeded.projects[project] ?? project,
          roles,
          token: Redacted.make(token),
          expiresAt: DateTime.unsafeMake(Date.now() + 3_600_000),
          session
        })
      )
    const callers = {
      alice: yield* caller("alice", "alpha", ["member", "reader"], tokens.alice),
      bob: yield* caller("bob", "beta", ["member", "reader"], tokens.bob),
      // The double has no reader: carol reads alpha with alice's session, under a user id of her own.
      carol: yield* caller("alice", "alpha", ["reader"], tokens.carol, "carol"),
      admin: yield* caller("enamel", "service", ["admin", "member", "reader"], tokens.admin)
    }
    const byToken = new Map(Object.values(callers).map((c) => [Redacted.value(c.token), c]))
    return Layer.merge(TokenValidator.layerStatic(byToken), Layer.succeed(TestCallers, callers))
  })
)

/**
 * What the API needs from outside, for tests without a real cloud: static tokens, made-up key references,
 * and the cloud double with the real clients (the API asks Nova about `/servers/{id}` with them).
 */
export const TestEdges = Layer.merge(TestAuth, UserKeys.layerStatic).pipe(Layer.provideMerge(TestCloud))

/**
 * The API on a random loopback port over the given database, with the in-memory broker, the cloud
 * double, static tokens and keys. `TestApi` is the fast tier's (PGlite); `TestApiOnPostgres` the real
 * server's.
 */
export const testApi = <A, E>(database: Layer.Layer<A, E>) =>
  HttpLive.pipe(
    Layer.provide([UserKeys.layerStatic, BrokerMemory.layer]),
    // Thousands of requests: their access log lines would bury a failure's output.
    Layer.provide(
      Layer.setConfigProvider(
        ConfigProvider.fromMap(new Map([["ENAMEL_ACCESS_LOG", "false"]])).pipe(
          ConfigProvider.orElse(() => ConfigProvider.fromEnv())
        )
      )
    ),
    Layer.provideMerge(TestAuth),
    Layer.provideMerge(TestCloud),
    Layer.provideMerge(database),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )

export const TestApi = testApi(TestDatabase.layerPglite)

/** A server of the caller's, made in the double through Nova with the caller's own session. */
export const serverOf = (who: keyof typeof tokens, name = "existing") =>
  Effect.gen(function* () {
    const caller = (yield* TestCallers)[who]
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (cloud) => cloud.seeded)
    const nova = yield* Nova
    const server = yield* nova
      .createServer({
        name,
        flavorId: seeded.flavors["m1.tiny"] ?? "m1.tiny",
        imageId: seeded.images.tiny ?? "tiny",
        networks: "none"
      })
      .pipe(Effect.provideService(Session, caller.session), Effect.orDie)
    return server.id
  })

/** A server of `who`'s booted from an image (no volume), waited until ACTIVE. */
export const activeServerOf = (who: keyof typeof tokens, name: string) =>
  Effect.gen(function* () {
    const id = yield* serverOf(who, name)
    const caller = (yield* TestCallers)[who]
    yield* Effect.flatMap(Nova, (nova) => nova.waitForServerActive(id)).pipe(
      Effect.provideService(Session, caller.session),
      Effect.orDie
    )
    return id
  })

/** A snapshot of `who`'s, of a new volume of `sizeGb`, waited until available. */
export const snapshotOf = (who: keyof typeof tokens, sizeGb: number) =>
  Effect.gen(function* () {
    const caller = (yield* TestCallers)[who]
    const cinder = yield* Cinder
    const snapshot = yield* Effect.gen(function* () {
      const volume = yield* cinder.createVolume({ size: sizeGb, name: `${who}-snapshotted` })
      yield* cinder.waitForVolumeAvailable(volume.id)
      const made = yield* cinder.createSnapshot({ volumeId: volume.id, name: `${who}-snapshot` })
      yield* cinder.waitForSnapshotAvailable(made.id)
      return made
    }).pipe(Effect.provideService(Session, caller.session), Effect.orDie)
    return snapshot.id
  })

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/**
 * Sends a raw request to the test server: tests need to send what a typed client never would. Every
 * request is bounded (15 s unless `timeoutMs` says otherwise) so a hanging server fails the test rather
 * than stalling it.
 */
export const send = (
  method: string,
  path: string,
  options: {
    token?: string
    body?: unknown
    raw?: string
    headers?: Record<string, string>
    timeoutMs?: number
  } = {}
): Effect.Effect<Answer, never, HttpServer.HttpServer> =>
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers["x-auth-token"] = options.token
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined && headers["content-type"] === undefined)
      headers["content-type"] = "application/json"
    return yield* Effect.promise(async (): Promise<Answer> => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        ...(body === undefined ? {} : { body })
      })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed }
    })
  })
