/**
 * The policy with a real reader: carol (the dev cloud's user of alpha with only Keystone's `reader` role,
 * `devcloud/devcloud env carol`) lists and reads through Enamel, and is refused a server (403, nothing
 * made, no key), although Nova itself would have let her create one. And an API process given a bad
 * ENAMEL_POLICY_FILE refuses to start, saying why. Needs `devcloud/devcloud up`, PostgreSQL.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { BrokerMemory } from "@enamel/broker"
import { ErrorCode } from "@enamel/domain"
import { Credentials, Neutron, Nova, Session, Sessions } from "@enamel/openstack-clients"
import { UserKeyRefs } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Duration, Effect, Layer, Redacted } from "effect"
import { freePort } from "../../../test/e2e/apiProcesses.js"
import { identityEnv } from "../../../test/e2e/enamel.js"
import { cloudLayer, sessionFor, uniqueName } from "../../openstack-clients/test/support/cloud.js"
import { HttpLive } from "../src/ApiServer.js"
import * as TokenValidator from "../src/auth/TokenValidator.js"
import * as TokenValidatorKeystone from "../src/auth/TokenValidatorKeystone.js"
import * as UserKeysInKeyStore from "../src/keys/UserKeysInKeyStore.js"
import { send } from "./harness.js"

const DevcloudApi = HttpLive.pipe(
  Layer.provide([
    TokenValidator.cached(Duration.seconds(60)).pipe(Layer.provide(TokenValidatorKeystone.layer)),
    UserKeysInKeyStore.layerBarbican,
    BrokerMemory.layer
  ]),
  Layer.provideMerge(UserKeyRefs.Default),
  Layer.provideMerge(cloudLayer("enamel")),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

/**
 * carol's session, from `devcloud/devcloud env carol` (what this checkout's dev cloud defines) rather than
 * the shared clouds.yaml, which an `up` from another checkout rewrites with its own identities.
 */
const carolSession = Effect.suspend(() => {
  const env = identityEnv("carol")
  const value = (key: string) => {
    const found = env[key]
    if (found === undefined)
      throw new Error(`devcloud env carol sets no ${key}: is carol in devcloud/lib/common.sh?`)
    return found
  }
  return Sessions.make({
    authUrl: value("OS_AUTH_URL"),
    interface: "public",
    region: value("OS_REGION_NAME"),
    credentials: Credentials.Password({
      user: { name: value("OS_USERNAME"), domainName: value("OS_USER_DOMAIN_NAME") },
      password: Redacted.make(value("OS_PASSWORD")),
      project: { name: value("OS_PROJECT_NAME"), domainName: value("OS_PROJECT_DOMAIN_NAME") }
    })
  })
})

/** carol's Keystone token. */
const carolToken = Effect.flatMap(carolSession, (session) =>
  Effect.map(session.authentication, (a) => Redacted.value(a.token))
)

interface ErrorBody {
  readonly errors: ReadonlyArray<{ readonly code: string; readonly detail: string }>
}

describe("policy with the dev cloud's reader (carol@alpha)", () => {
  layer(DevcloudApi, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped("carol lists tasks and reads alpha's network; POST /servers is 403 and makes nothing", () =>
      Effect.gen(function* () {
        const carol = yield* carolToken
        const alice = yield* sessionFor("alice")

        const tasks = yield* send("GET", "/tasks", { token: carol })
        expect(tasks.status).toBe(200)
        expect(tasks.body).toEqual({ tasks: [], tasks_links: [] })
        expect((yield* send("GET", "/tasks?scope=project&state=all", { token: carol })).status).toBe(200)
        const [privateNet] = yield* Neutron.listNetworks({ name: "private" }).pipe(
          Effect.provideService(Session, alice)
        )
        expect(privateNet).toBeDefined()
        const network = yield* send("GET", `/networks/${privateNet?.id}`, { token: carol })
        expect(network.status).toBe(200)

        const name = uniqueName("reader")
        const refused = yield* send("POST", "/servers", {
          token: carol,
          body: { name, image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }
        })
        expect(refused.status).toBe(403)
        const [error] = (refused.body as ErrorBody).errors
        expect(error?.code).toBe(ErrorCode.policyForbidden)
        expect(error?.detail).toContain("enamel:server:create")
        expect(error?.detail).toContain("the token's roles: reader")
        const dryRun = yield* send("POST", "/servers?dry_run=true", {
          token: carol,
          body: { name, image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }
        })
        expect(dryRun.status).toBe(403)

        // Nothing made: no task, no key (no application credential of hers), no server.
        const sql = yield* SqlClient.SqlClient
        expect(yield* sql`SELECT id FROM tasks`).toEqual([])
        expect(yield* sql`SELECT user_id FROM user_keys`).toEqual([])
        const servers = yield* Nova.listServers({ name }).pipe(Effect.provideService(Session, alice))
        expect(servers).toEqual([])

        // Nova's own policy would have let her: asked for a server of an image and a flavor that do not
        // exist, it passes her through its policy check and answers 400 about them, not 403.
        const carolOwn = yield* carolSession
        const byNova = yield* Nova.createServer({
          name,
          flavorId: crypto.randomUUID(),
          imageId: crypto.randomUUID(),
          networks: "none"
        }).pipe(Effect.provideService(Session, carolOwn), Effect.flip)
        expect([byNova._tag, byNova.message]).toEqual(["OpenStackBadRequest", expect.any(String)])
      })
    )
  })
})

describe("an API process with a bad ENAMEL_POLICY_FILE", () => {
  layer(TestDatabase.layer, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("refuses to start, naming the file and the mistake", () =>
      Effect.gen(function* () {
        const url = yield* TestDatabase.TestDatabaseUrl
        const path = join(mkdtempSync(join(tmpdir(), "enamel-policy-")), "policy.yaml")
        writeFileSync(path, 'enamel:server:create: "role:member or"\n')
        const port = yield* freePort
        const ended = yield* Effect.async<{ code: number | null; stderr: string }>((resume) => {
          const child = spawn(process.execPath, ["--import", "tsx", "packages/api/src/main.ts"], {
            env: {
              ...process.env,
              ...identityEnv("enamel"),
              ENAMEL_DATABASE_URL: url.toString(),
              ENAMEL_API_PORT: String(port),
              ENAMEL_POLICY_FILE: path
            },
            stdio: ["ignore", "pipe", "pipe"]
          })
          let stderr = ""
          child.stdout?.on("data", (chunk) => {
            stderr += String(chunk)
          })
          child.stderr?.on("data", (chunk) => {
            stderr += String(chunk)
          })
          child.on("exit", (code) => resume(Effect.succeed({ code, stderr })))
          return Effect.sync(() => child.kill("SIGKILL"))
        }).pipe(Effect.timeout("60 seconds"))
        expect(ended.code).not.toBe(0)
        expect(ended.stderr).toContain(`ENAMEL_POLICY_FILE ${path} is not a policy Enamel can enforce`)
        expect(ended.stderr).toContain('enamel:server:create: "role:member or": an expression is missing')
      })
    )
  })
})
