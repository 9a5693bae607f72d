/**
 * The demo: Enamel in embedded mode, API and worker in this process on PGlite (ENAMEL_DATA_DIR) and the
 * in-process broker, in front of the dev cloud (or the cloud OS_CLOUD / OS_* name). As the dev cloud's
 * user alice (DEMO_USER) it creates two servers with boot volumes and floating IPs through POST /servers,
 * shows the stages live from the task's event stream, prints the timeline, and deletes everything again
 * (unless --keep).
 */
import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { inFrontOfCloudAt } from "@enamel/embedded"
import { Credentials, ServiceSession, Sessions } from "@enamel/openstack-clients"
import { DataDir } from "@enamel/persistence"
import { Console, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { forgetKey } from "./forgetKey.js"
import { printTimeline, watchEvents } from "./output.js"

const keep = process.argv.includes("--keep")

const Enamel = Layer.unwrapEffect(
  Effect.map(DataDir, (dataDir) =>
    inFrontOfCloudAt(dataDir, NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )
)

/**
 * The demo's user: DEMO_USER / DEMO_PASSWORD / DEMO_PROJECT (scripts/demo.sh sets alice of the dev
 * cloud); without them, Enamel's own user from OS_* or OS_CLOUD acts as the demo's user too.
 */
const userSession = Effect.gen(function* () {
  const service = yield* ServiceSession.ServiceSession
  const user = process.env.DEMO_USER
  if (user === undefined) return service
  return yield* Sessions.make({
    authUrl: service.authUrl,
    interface: service.interface,
    credentials: Credentials.Password({
      user: { name: user, domainName: "Default" },
      password: Redacted.make(process.env.DEMO_PASSWORD ?? ""),
      project: { name: process.env.DEMO_PROJECT ?? "", domainName: "Default" }
    })
  })
})

/** What the servers are made of: the dev cloud's names unless DEMO_IMAGE etc. name another cloud's. */
const made = {
  image: process.env.DEMO_IMAGE ?? "tiny",
  flavor: process.env.DEMO_FLAVOR ?? "m1.tiny",
  network: process.env.DEMO_NETWORK ?? "private",
  externalNetwork: process.env.DEMO_EXTERNAL_NETWORK ?? "public"
}

const api = (method: string, path: string, token: string, body?: unknown) =>
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return yield* Effect.promise(() =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          "x-auth-token": token,
          ...(body === undefined ? {} : { "content-type": "application/json" })
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    )
  })

const runTask = (title: string, method: string, path: string, token: string, body?: unknown) =>
  Effect.gen(function* () {
    const response = yield* api(method, path, token, body)
    const accepted = (yield* Effect.promise(() => response.json())) as { task: { id: string } }
    yield* Console.log(`\n${title}: ${response.status} ${response.statusText}, task ${accepted.task.id}`)
    const events = yield* api("GET", `/tasks/${accepted.task.id}/events`, token)
    const final = yield* watchEvents(events)
    const detail = yield* api("GET", `/tasks/${accepted.task.id}`, token)
    const task = (yield* Effect.promise(() => detail.json())) as Parameters<typeof printTimeline>[0]
    yield* printTimeline(task)
    return final
  })

const main = Effect.gen(function* () {
  const user = yield* userSession
  const token = Redacted.value((yield* user.authentication).token)
  yield* Console.log(
    "Enamel (embedded mode): API and worker in this process on PGlite, in front of the dev cloud."
  )
  const created = yield* runTask(
    "POST /servers (2 servers, boot volumes, floating IPs)",
    "POST",
    "/servers",
    token,
    {
      name: `demo-${Date.now().toString(36)}`,
      count: 2,
      image: made.image,
      flavor: made.flavor,
      boot_volume: { size_gb: 1 },
      networks: [{ network: made.network, floating_ip: { network: made.externalNetwork } }]
    }
  )
  if (created.state !== "SUCCEEDED") return yield* Effect.fail(new Error(`the task ended ${created.state}`))
  const servers = created.result?.servers ?? []
  for (const s of servers)
    yield* Console.log(`  ${s.name}: ${s.id}, floating IP ${s.floating_ips[0]?.address ?? "-"}`)
  if (keep) return yield* Console.log("\n--keep: the servers stay.")
  for (const s of servers) {
    const deleted = yield* runTask(`DELETE /servers/${s.id}`, "DELETE", `/servers/${s.id}`, token)
    if (deleted.state !== "SUCCEEDED") return yield* Effect.fail(new Error(`delete ended ${deleted.state}`))
  }
  const forgotten = yield* forgetKey(user)
  yield* Console.log(
    `\nEverything Enamel made was deleted${forgotten ? ", the key it kept to act for you too" : ""}.`
  )
})

// The API logs every request at INFO; the demo shows its own output and only warnings besides.
Effect.scoped(Effect.provide(main, Enamel)).pipe(
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)),
  NodeRuntime.runMain
)
