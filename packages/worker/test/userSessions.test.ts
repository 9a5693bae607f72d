/**
 * The worker's cache of users' sessions, against the dev cloud's Keystone and Barbican: alice's key (an
 * application credential kept in Barbican, as the API makes it) serves her next tasks with the same
 * token; the token is given up when its time is up, when the worker forgets the key, and when Keystone
 * refuses it (the credential deleted: its tokens are refused, and logging in again fails).
 */
import { describe, expect, it } from "@effect/vitest"
import { KeyStore, KeyStoreBarbican } from "@enamel/keys"
import {
  Barbican,
  Keystone,
  Neutron,
  Nova,
  OpenStackClients,
  ServiceSession,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import { ConfigProvider, Effect, Layer, Redacted, TestClock } from "effect"
import {
  requireReachableCloud,
  sessionFor,
  testSettings,
  uniqueName
} from "../../openstack-clients/test/support/cloud.js"
import { UserSessions } from "../src/cloud/UserSessions.js"

const sessionsWith = (ttl: string) =>
  UserSessions.Default.pipe(
    Layer.provideMerge(KeyStoreBarbican.layer),
    Layer.provideMerge(Layer.scoped(ServiceSession.ServiceSession, sessionFor("enamel"))),
    Layer.provide(
      Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["ENAMEL_USER_SESSION_TTL", ttl]])))
    ),
    Layer.provideMerge(OpenStackClients.layer),
    Layer.provideMerge(testSettings),
    Layer.provide(Layer.effectDiscard(requireReachableCloud))
  )

/** A key for alice as the API makes one (deleted at the end of the test): its reference and credential id. */
const aliceKey = Effect.gen(function* () {
  const alice = yield* sessionFor("alice")
  const asAlice = Effect.provideService(Session, alice)
  const credential = yield* Effect.acquireRelease(
    Keystone.createApplicationCredential({ name: uniqueName("session-key") }).pipe(asAlice),
    (created) => Effect.ignore(Keystone.deleteApplicationCredential(created.id).pipe(asAlice))
  )
  const payload = yield* Sessions.applicationCredentialKeyPayload(credential)
  const keys = yield* KeyStore
  const ref = yield* Effect.acquireRelease(keys.store(uniqueName("key"), payload), (stored) =>
    Effect.ignore(keys.remove(stored))
  )
  return { ref, credentialId: credential.id, asAlice }
})

/** The token a task of this key gets (the task's scope ends right away, as a short task's would). */
const tokenFor = (ref: string) =>
  Effect.scoped(
    Effect.flatMap(UserSessions, (sessions) => sessions.session(ref)).pipe(
      Effect.flatMap((session) => session.authentication),
      Effect.map((authentication) => Redacted.value(authentication.token))
    )
  )

describe("UserSessions", () => {
  it.scoped(
    "a key's next tasks reuse its session and token until the time is up",
    () =>
      Effect.gen(function* () {
        const { ref } = yield* aliceKey
        const first = yield* tokenFor(ref)
        expect(yield* tokenFor(ref)).toBe(first)
        // Still held after 29 minutes; the next task after 30 logs in again.
        yield* TestClock.adjust("29 minutes")
        expect(yield* tokenFor(ref)).toBe(first)
        yield* TestClock.adjust("61 seconds")
        const renewed = yield* tokenFor(ref)
        expect(renewed).not.toBe(first)
        expect(yield* tokenFor(ref)).toBe(renewed)
      }).pipe(Effect.provide(sessionsWith("30 minutes"))),
    { timeout: 60_000 }
  )

  it.scoped(
    "a forgotten key's session is given up; with no reuse every task logs in",
    () =>
      Effect.gen(function* () {
        const { ref } = yield* aliceKey
        const first = yield* tokenFor(ref)
        yield* Effect.flatMap(UserSessions, (sessions) => sessions.forget(ref))
        expect(yield* tokenFor(ref)).not.toBe(first)
        const uncached = yield* Effect.provide(
          Effect.all([tokenFor(ref), tokenFor(ref)]),
          sessionsWith("0 millis")
        )
        expect(uncached[0]).not.toBe(uncached[1])
      }).pipe(Effect.provide(sessionsWith("30 minutes"))),
    { timeout: 60_000 }
  )

  it.scoped(
    "Keystone refusing the key (credential deleted) drops the session; the next task cannot get one",
    () =>
      Effect.gen(function* () {
        const { ref, credentialId, asAlice } = yield* aliceKey
        const sessions = yield* UserSessions
        const stale = yield* Effect.scoped(
          Effect.gen(function* () {
            const session = yield* sessions.session(ref)
            // The session is used first with Neutron, never with Nova: a service's auth middleware keeps
            // the tokens it validated in its own cache for minutes, so the Nova call below must be the
            // first that Nova sees of this token for Nova to ask Keystone, and hear it is no longer good.
            yield* Neutron.listPorts({ name: uniqueName("nothing") }).pipe(
              Effect.provideService(Session, session)
            )
            // Keystone refuses every token of a deleted credential from then on (even its own DELETE of
            // such a token is answered 404), so Nova answers 401 and the session's new login fails.
            yield* Keystone.deleteApplicationCredential(credentialId).pipe(asAlice)
            return yield* Effect.flip(
              Nova.listServers({ name: uniqueName("nothing") }).pipe(Effect.provideService(Session, session))
            )
          })
        )
        expect(["OpenStackUnauthorized", "OpenStackNotFound"]).toContain(stale._tag)
        const refused = yield* Effect.flip(tokenFor(ref))
        expect(["OpenStackUnauthorized", "OpenStackNotFound"]).toContain(refused._tag)
        // The key is still in Barbican: what failed was Keystone's login, not a held session.
        const service = yield* ServiceSession.ServiceSession
        yield* Barbican.getSecretPayload(ref).pipe(Effect.provideService(Session, service))
      }).pipe(Effect.provide(sessionsWith("30 minutes"))),
    { timeout: 60_000 }
  )
})
