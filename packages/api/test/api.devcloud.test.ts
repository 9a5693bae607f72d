/**
 * The API against the real dev cloud: tokens validated by Keystone, keys made as application credentials
 * and kept in Barbican by the `enamel` service user. Needs `devcloud/devcloud up`.
 */
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Broker, type OutgoingMessage } from "@enamel/broker"
import { ErrorCode } from "@enamel/domain"
import { Barbican, Cinder, Keystone, Neutron, Nova, Session, Sessions } from "@enamel/openstack-clients"
import { UserKeyRefs } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Duration, Effect, Layer, Redacted, Ref } from "effect"
import { Admin } from "../../openstack-clients/test/support/admin.js"
import {
  cloudLayer,
  sessionFor,
  sessionOptions,
  uniqueName
} from "../../openstack-clients/test/support/cloud.js"
import { HttpLive } from "../src/ApiServer.js"
import * as TokenValidator from "../src/auth/TokenValidator.js"
import * as TokenValidatorKeystone from "../src/auth/TokenValidatorKeystone.js"
import * as UserKeysInKeyStore from "../src/keys/UserKeysInKeyStore.js"
import { send } from "./harness.js"

/** Every message the API publishes, to scan for secrets. */
class Published extends Effect.Service<Published>()("test/Published", {
  effect: Ref.make<ReadonlyArray<OutgoingMessage>>([])
}) {}

const RecordingBroker = Layer.effect(
  Broker,
  Effect.map(Published, (published) =>
    Broker.of({ publish: (messages) => Ref.update(published, (all) => [...all, ...messages]) })
  )
)

const DevcloudApi = HttpLive.pipe(
  Layer.provide([
    TokenValidator.cached(Duration.seconds(60)).pipe(Layer.provide(TokenValidatorKeystone.layer)),
    UserKeysInKeyStore.layerBarbican,
    RecordingBroker
  ]),
  Layer.provideMerge(Published.Default),
  Layer.provideMerge(UserKeyRefs.Default),
  Layer.provideMerge(cloudLayer("enamel")),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

const tokenOf = (identity: string) =>
  Effect.flatMap(sessionFor(identity), (session) =>
    Effect.map(session.authentication, (a) => Redacted.value(a.token))
  )

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }

describe("API with the dev cloud's Keystone and Barbican", () => {
  // Live clock: keys get real expiry dates, which Keystone checks.
  layer(DevcloudApi, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped("DELETE /servers/{id} of a server the caller cannot see is a 404 at once (real Nova)", () =>
      Effect.gen(function* () {
        const alice = yield* tokenOf("alice")
        const nobody = crypto.randomUUID()
        const answer = yield* send("DELETE", `/servers/${nobody}`, { token: alice })
        expect(answer.status).toBe(404)
        expect(answer.body).toMatchObject({
          errors: [{ status: 404, code: ErrorCode.serverNotFound, detail: `server ${nobody} not found` }]
        })
      })
    )

    it.scoped(
      "validates real tokens, makes one restricted key per user in Barbican, and leaks no secret",
      () =>
        Effect.gen(function* () {
          const alice = yield* tokenOf("alice")
          const bob = yield* tokenOf("bob")
          const first = yield* send("POST", "/servers", { token: alice, body: server })
          expect(first.status).toBe(202)
          const second = yield* send("POST", "/servers", { token: alice, body: { ...server, name: "db" } })
          expect(second.status).toBe(202)
          const taskId = (first.body as { task: { id: string } }).task.id

          const sql = yield* SqlClient.SqlClient
          const keys = yield* sql<{ secretRef: string; credentialId: string; userId: string }>`
          SELECT secret_ref, credential_id, user_id FROM user_keys`
          expect(keys).toHaveLength(1)
          const key = keys[0]
          if (key === undefined) return
          const tasks = yield* sql<{ keyRef: string }>`SELECT key_ref FROM tasks`
          expect(tasks.map((t) => t.keyRef)).toEqual([key.secretRef, key.secretRef])

          // The key in Barbican is an application credential of alice's, restricted and expiring.
          const enamel = yield* sessionFor("enamel")
          const payload = yield* Barbican.getSecretPayload(key.secretRef).pipe(
            Effect.provideService(Session, enamel)
          )
          const stored = JSON.parse(Redacted.value(payload)) as {
            application_credential_id: string
            application_credential_secret: string
          }
          expect(stored.application_credential_id).toBe(key.credentialId)
          const aliceSession = yield* sessionFor("alice")
          const credential = yield* Keystone.getApplicationCredential(key.credentialId).pipe(
            Effect.provideService(Session, aliceSession)
          )
          expect(credential.unrestricted).toBe(false)
          expect(credential.roles.map((r) => r.name)).toContain("member")
          expect(credential.expiresAt).not.toBeNull()

          // Isolation with real tokens: bob's project does not see alice's task.
          expect((yield* send("GET", `/tasks/${taskId}`, { token: bob })).status).toBe(404)
          expect((yield* send("GET", `/tasks/${taskId}`, { token: alice })).status).toBe(200)
          expect((yield* send("GET", "/tasks", { token: `${alice}x` })).status).toBe(401)

          // No token, password or application-credential secret in any row or message.
          const dump = JSON.stringify([
            yield* sql`SELECT * FROM tasks`,
            yield* sql`SELECT * FROM task_outbox`,
            yield* sql`SELECT * FROM user_keys`,
            yield* Ref.get(yield* Published)
          ])
          for (const secret of [alice, bob, stored.application_credential_secret])
            expect(dump).not.toContain(secret)
          // The dev cloud's passwords are the user names; as JSON values they must not appear either.
          for (const password of ['"alice"', '"bob"', '"enamel"']) expect(dump).not.toContain(password)

          // Clean up what the test made in the cloud.
          yield* Keystone.deleteApplicationCredential(key.credentialId).pipe(
            Effect.provideService(Session, aliceSession)
          )
          yield* Barbican.deleteSecret(key.secretRef).pipe(Effect.provideService(Session, enamel))
        })
    )
  })
})

/** What alice's project holds whose name starts with `prefix`: servers, volumes, ports. */
const namedLike = (prefix: string) =>
  Effect.gen(function* () {
    const [servers, volumes, ports] = yield* Effect.all(
      [Nova.listServers({ name: prefix }), Cinder.listVolumes(), Neutron.listPorts()],
      { concurrency: "unbounded" }
    )
    const named = (items: ReadonlyArray<{ readonly name: string | null }>) =>
      items.filter((item) => item.name?.startsWith(prefix) === true).length
    return { servers: named(servers), volumes: named(volumes), ports: named(ports) }
  }).pipe(Effect.provideServiceEffect(Session, sessionFor("alice")))

describe("dry run against the dev cloud", () => {
  layer(Layer.provideMerge(Admin.Default, DevcloudApi), { timeout: 120_000, excludeTestServices: true })(
    (it) => {
      it.scoped("a server.create that fits: 200 with the plan, nothing is made in the cloud, no task", () =>
        Effect.gen(function* () {
          const alice = yield* tokenOf("alice")
          const name = uniqueName("dry")
          const before = yield* namedLike(name)
          const answer = yield* send("POST", "/servers?dry_run=true", {
            token: alice,
            body: {
              name,
              count: 2,
              image: "tiny",
              flavor: "m1.tiny",
              boot_volume: { size_gb: 1 },
              networks: [{ network: "private", floating_ip: { network: "public" } }]
            }
          })
          expect(answer.status).toBe(200)
          expect(answer.body).toMatchObject({
            dry_run: {
              type: "server.create",
              creates: { server: 2, volume: 2, port: 2, floating_ip: 2 },
              quotas_unchecked: []
            }
          })
          const plan = (answer.body as { dry_run: { quotas: ReadonlyArray<{ quota: string }> } }).dry_run
          expect(plan.quotas.map((q) => q.quota)).toEqual([
            "instances",
            "cores",
            "ram",
            "volumes",
            "gigabytes",
            "port",
            "floatingip"
          ])
          expect(before).toEqual({ servers: 0, volumes: 0, ports: 0 })
          expect(yield* namedLike(name)).toEqual(before)
          const sql = yield* SqlClient.SqlClient
          const stored =
            yield* sql`SELECT count(*)::int AS n FROM tasks WHERE params::text LIKE ${`%${name}%`}`
          expect(stored[0]?.n).toBe(0)
        })
      )

      it.scoped(
        "over the project's Cinder volume quota: 409 quota.exceeded naming it, then a fit after",
        () =>
          Effect.gen(function* () {
            const admin = yield* Admin
            const project = yield* admin.throwawayProject
            yield* admin.setQuotas(project.projectId, { volumes: 1 })
            const member = yield* Sessions.make(sessionOptions(project.profile))
            const token = Redacted.value((yield* member.authentication).token)
            const body = {
              name: uniqueName("dry"),
              count: 2,
              image: "tiny",
              flavor: "m1.tiny",
              boot_volume: { size_gb: 1 },
              networks: [{ network: "public" }]
            }
            const refused = yield* send("POST", "/servers?dry_run=true", { token, body })
            expect(refused.status).toBe(409)
            const [error] = (refused.body as { errors: ReadonlyArray<{ code: string; detail: string }> })
              .errors
            expect(error?.code).toBe(ErrorCode.quotaExceeded)
            expect(error?.detail).toContain("volume quota volumes: limit 1, used 0, the request needs 2 more")
            const fits = yield* send("POST", "/servers?dry_run=true", { token, body: { ...body, count: 1 } })
            expect(fits.status).toBe(200)
          })
      )
    }
  )
})
