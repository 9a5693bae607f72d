import { describe, expect, layer } from "@effect/vitest"
import {
  Barbican,
  Credentials,
  Glance,
  Keystone,
  Nova,
  OpenStackClients,
  RequestLog,
  ServiceSession,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import {
  Clock,
  ConfigProvider,
  Context,
  DateTime,
  Duration,
  Effect,
  Layer,
  Redacted,
  TestClock,
  TestContext
} from "effect"
import {
  cloudProfile,
  cloudsFile,
  requireReachableCloud,
  sessionFor,
  sessionOptions,
  testSettings,
  uniqueName
} from "../support/cloud.js"

const live = OpenStackClients.layer.pipe(
  Layer.provideMerge(testSettings),
  Layer.provide(Layer.effectDiscard(requireReachableCloud))
)

const requestIdPattern = /^req-[0-9a-f-]{36}$/

describe("Keystone and sessions (dev cloud)", () => {
  layer(live, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped("password authentication scoped to a project: user, project, roles, expiry, catalog", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        const authentication = yield* alice.authentication
        expect(authentication.info.user.name).toBe("alice")
        expect(authentication.info.project?.name).toBe("alpha")
        expect(authentication.info.roles.map((r) => r.name)).toContain("member")
        expect(authentication.info.methods).toEqual(["password"])
        const left = DateTime.distanceDuration(yield* DateTime.now, authentication.info.expiresAt)
        expect(Duration.toSeconds(left)).toBeGreaterThan(600)
        expect(yield* alice.endpoint("compute")).toBe("http://127.0.0.1:8774/v2.1")
        expect(yield* alice.endpoint("volumev3")).toBe(
          `http://127.0.0.1:8776/v3/${authentication.info.project?.id}`
        )
        expect(Redacted.value(authentication.token).length).toBeGreaterThan(100)
      })
    )

    it.scoped("selects endpoints by interface and region, and names the one missing", () =>
      Effect.gen(function* () {
        const internal = yield* sessionFor("alice", { interface: "internal", region: "RegionOne" })
        expect(yield* internal.endpoint("network")).toBe("http://127.0.0.1:9696")
        const elsewhere = yield* sessionFor("alice", { region: "Nowhere" })
        const error = yield* Effect.flip(elsewhere.endpoint("compute"))
        expect(error._tag).toBe("OpenStackEndpointNotFound")
        expect(error.message).toBe("the service catalog has no public endpoint for compute in region Nowhere")
      })
    )

    it.scoped("token authentication re-scopes an existing token", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        const first = yield* alice.authentication
        const profile = yield* cloudProfile("alice")
        const rescoped = yield* Sessions.make({
          authUrl: profile.authUrl,
          credentials: Credentials.Token({
            token: first.token,
            project: { name: "alpha", domainName: "Default" }
          })
        })
        const second = yield* rescoped.authentication
        expect(second.info.methods).toContain("token")
        expect(second.info.user.id).toBe(first.info.user.id)
        expect(second.info.project?.id).toBe(first.info.project?.id)
        const image = yield* Glance.findImage("tiny").pipe(Effect.provideService(Session, rescoped))
        expect(image.name).toBe("tiny")
      })
    )

    it.scoped("a wrong password is Unauthorized, with Keystone's request id", () =>
      Effect.gen(function* () {
        const profile = yield* cloudProfile("alice")
        const wrong = yield* Sessions.make({
          authUrl: profile.authUrl,
          credentials: Credentials.Password({
            user: { name: "alice", domainName: "Default" },
            password: Redacted.make("not-the-password"),
            project: { name: "alpha", domainName: "Default" }
          })
        })
        const error = yield* Effect.flip(wrong.authentication)
        expect(error._tag).toBe("OpenStackUnauthorized")
        expect(error.service).toBe("keystone")
        expect(error.status).toBe(401)
        expect(error.requestId).toMatch(requestIdPattern)
        expect(error.message).toBe("The request you have made requires authentication.")
        expect(JSON.stringify(error)).not.toContain("not-the-password")
      })
    )

    it.scoped("validates a user's token as the service user: user, project, roles, expiry", () =>
      Effect.gen(function* () {
        const alice = yield* (yield* sessionFor("alice")).authentication
        const enamel = yield* sessionFor("enamel")
        const info = yield* Keystone.validateToken(alice.token).pipe(Effect.provideService(Session, enamel))
        expect(info.user.name).toBe("alice")
        expect(info.project?.name).toBe("alpha")
        expect(info.roles.map((r) => r.name).sort()).toEqual(alice.info.roles.map((r) => r.name).sort())
        expect(DateTime.toEpochMillis(info.expiresAt)).toBe(DateTime.toEpochMillis(alice.info.expiresAt))

        const bogus = yield* Effect.flip(
          Keystone.validateToken(Redacted.make("gAAAAABnot-a-token")).pipe(
            Effect.provideService(Session, enamel)
          )
        )
        expect(bogus._tag).toBe("OpenStackNotFound")
        expect(bogus.service).toBe("keystone")

        // bob may not look at alice's token
        const bob = yield* sessionFor("bob")
        const refused = yield* Effect.flip(
          Keystone.validateToken(alice.token).pipe(Effect.provideService(Session, bob))
        )
        expect(refused._tag).toBe("OpenStackForbidden")
        expect(refused.status).toBe(403)
      })
    )

    it.scoped("application credentials: create with roles and expiry, authenticate, conflict, delete", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        const asAlice = Effect.provideService(Session, alice)
        const name = uniqueName("appcred")
        const expiresAt = DateTime.add(yield* DateTime.now, { hours: 1 })
        const credential = yield* Effect.acquireRelease(
          Keystone.createApplicationCredential({ name, roles: [{ name: "member" }], expiresAt }).pipe(
            asAlice
          ),
          (created) => Effect.ignore(Keystone.deleteApplicationCredential(created.id).pipe(asAlice))
        )
        expect(credential.name).toBe(name)
        expect(credential.roles.map((r) => r.name)).toEqual(["member"])
        expect(credential.unrestricted).toBe(false)
        expect(credential.expiresAt === null ? 0 : DateTime.toEpochMillis(credential.expiresAt)).toBe(
          DateTime.toEpochMillis(expiresAt)
        )
        expect(String(credential.secret)).not.toContain(Redacted.value(credential.secret))

        const fetched = yield* Keystone.getApplicationCredential(credential.id).pipe(asAlice)
        expect(fetched.id).toBe(credential.id)

        const duplicate = yield* Effect.flip(Keystone.createApplicationCredential({ name }).pipe(asAlice))
        expect(duplicate._tag).toBe("OpenStackConflict")
        expect(duplicate.status).toBe(409)

        const profile = yield* cloudProfile("alice")
        const viaCredential = yield* Sessions.make({
          authUrl: profile.authUrl,
          credentials: Credentials.ApplicationCredential({ id: credential.id, secret: credential.secret })
        })
        const authentication = yield* viaCredential.authentication
        expect(authentication.info.methods).toEqual(["application_credential"])
        expect(authentication.info.applicationCredential?.id).toBe(credential.id)
        expect(authentication.info.project?.name).toBe("alpha")
        expect(authentication.info.roles.map((r) => r.name)).toEqual(["member"])

        yield* Keystone.deleteApplicationCredential(credential.id).pipe(asAlice)
        const gone = yield* Effect.flip(Keystone.getApplicationCredential(credential.id).pipe(asAlice))
        expect(gone._tag).toBe("OpenStackNotFound")
        const again = yield* Effect.flip(Keystone.deleteApplicationCredential(credential.id).pipe(asAlice))
        expect(again._tag).toBe("OpenStackNotFound")
        const stale = yield* Sessions.make({
          authUrl: profile.authUrl,
          credentials: Credentials.ApplicationCredential({ id: credential.id, secret: credential.secret })
        })
        expect((yield* Effect.flip(stale.authentication))._tag).toBe("OpenStackUnauthorized")
      })
    )

    it.scoped("a session regenerated from the Barbican key acts as the credential's user", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        const enamel = yield* sessionFor("enamel")
        const asAlice = Effect.provideService(Session, alice)
        const asEnamel = Effect.provideService(Session, enamel)
        const credential = yield* Effect.acquireRelease(
          Keystone.createApplicationCredential({ name: uniqueName("worker-key") }).pipe(asAlice),
          (created) => Effect.ignore(Keystone.deleteApplicationCredential(created.id).pipe(asAlice))
        )
        const secretRef = yield* Effect.acquireRelease(
          Sessions.storeApplicationCredentialKey(credential, { name: uniqueName("key") }).pipe(asEnamel),
          (ref) => Effect.ignore(Barbican.deleteSecret(ref).pipe(asEnamel))
        )
        expect(secretRef).toMatch(/^http:\/\/127\.0\.0\.1:9311\/v1\/secrets\/[0-9a-f-]{36}$/)

        // The worker's one-liner: with the service session in context.
        const user = yield* Sessions.fromBarbicanKey(secretRef).pipe(asEnamel)
        const authentication = yield* user.authentication
        expect(authentication.info.user.name).toBe("alice")
        expect(authentication.info.project?.name).toBe("alpha")
        const servers = yield* Nova.listServers({ name: uniqueName("nothing") }).pipe(
          Effect.provideService(Session, user)
        )
        expect(servers).toEqual([])

        // alice's session cannot read the service user's secret
        const refused = yield* Effect.flip(Sessions.fromBarbicanKey(secretRef).pipe(asAlice))
        expect(["OpenStackForbidden", "OpenStackNotFound"]).toContain(refused._tag)
      })
    )

    // The session's clock is moved (TestClock) to just before the real token's expiry: the next call
    // must re-authenticate against the real Keystone first.
    it.scoped("re-authenticates shortly before the token expires", () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.now())
        const memory = yield* RequestLog.makeMemory
        const alice = yield* sessionFor("alice")
        const asAlice = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          effect.pipe(
            Effect.provideService(Session, alice),
            Effect.provideService(RequestLog.RequestLog, memory.log)
          )
        yield* asAlice(Glance.findImage("tiny"))
        const first = yield* alice.authentication
        const untilExpiry = DateTime.toEpochMillis(first.info.expiresAt) - (yield* Clock.currentTimeMillis)
        yield* TestClock.adjust(Duration.millis(untilExpiry - 10_000))
        const image = yield* asAlice(Glance.findImage("tiny"))
        expect(image.name).toBe("tiny")
        // Back to the real time: the renewed token is fresh, so nothing more happens.
        yield* TestClock.setTime(Date.now())
        const second = yield* alice.authentication
        expect(Redacted.value(second.token)).not.toBe(Redacted.value(first.token))
        // The renewal happens before the second Glance call, and that call succeeds with the new token.
        // (On the moved clock the renewed token looks near expiry too, so it may be renewed more than once.)
        const entries = (yield* memory.entries).map((e) => `${e.service} ${e.method} ${e.status}`)
        expect(entries.slice(0, 3)).toEqual(["keystone POST 201", "glance GET 200", "keystone POST 201"])
        expect(entries.at(-1)).toBe("glance GET 200")
        expect(entries.filter((e) => e.startsWith("glance"))).toHaveLength(2)
      }).pipe(Effect.provide(TestContext.TestContext))
    )

    it.scoped("a revoked token: the service's 401 triggers exactly one re-authentication", () =>
      Effect.gen(function* () {
        const memory = yield* RequestLog.makeMemory
        const alice = yield* sessionFor("alice")
        const first = yield* alice.authentication
        const admin = yield* sessionFor("admin")
        yield* Keystone.revokeToken(first.token).pipe(Effect.provideService(Session, admin))
        // Nova has never seen this token, so it asks Keystone, which says it is revoked.
        const servers = yield* Nova.listServers({ name: uniqueName("nothing") }).pipe(
          Effect.provideService(Session, alice),
          Effect.provideService(RequestLog.RequestLog, memory.log)
        )
        expect(servers).toEqual([])
        const entries = yield* memory.entries
        expect(entries.filter((e) => e.service === "keystone" && e.method === "POST")).toHaveLength(1)
        const refused = entries.filter((e) => e.status === 401)
        expect(refused).toHaveLength(1)
        expect(refused[0]?.service).toBe("nova")
        expect(refused[0]?.requestId).toMatch(requestIdPattern)
        const second = yield* alice.authentication
        expect(Redacted.value(second.token)).not.toBe(Redacted.value(first.token))
      })
    )

    it.scoped("a session asked to revoke its token on close does so", () =>
      Effect.gen(function* () {
        const token = yield* Effect.scoped(
          Effect.flatMap(sessionFor("alice", { revokeOnClose: true }), (s) => s.authentication)
        ).pipe(Effect.map((a) => a.token))
        const enamel = yield* sessionFor("enamel")
        const error = yield* Effect.flip(
          Keystone.validateToken(token).pipe(Effect.provideService(Session, enamel))
        )
        expect(error._tag).toBe("OpenStackNotFound")
      })
    )

    it.scoped("profile helpers read clouds.yaml", () =>
      Effect.gen(function* () {
        const profile = yield* cloudProfile("bob")
        expect(sessionOptions(profile).authUrl).toBe("http://127.0.0.1:5000/v3")
        expect(profile.projectName).toBe("beta")
      })
    )

    it.scoped("Enamel's service user from OS_CLOUD: the named cloud of clouds.yaml", () =>
      Effect.gen(function* () {
        const file = yield* cloudsFile
        const context = yield* Layer.build(ServiceSession.layerServiceSession).pipe(
          Effect.withConfigProvider(
            ConfigProvider.fromMap(
              new Map([
                ["OS_CLOUD", "enamel"],
                ["OS_CLIENT_CONFIG_FILE", file]
              ])
            )
          )
        )
        const service = Context.get(context, ServiceSession.ServiceSession)
        const authentication = yield* service.authentication
        expect(authentication.info.user.name).toBe("enamel")
        expect(authentication.info.roles.map((r) => r.name)).toContain("service")
      })
    )
  })
})
