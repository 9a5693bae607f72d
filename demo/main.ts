/**
 * The demo: Enamel in embedded mode, API and worker in this process on PGlite (ENAMEL_DATA_DIR) and the
 * in-process broker, in front of the dev cloud (or the cloud OS_CLOUD / OS_* name). As the dev cloud's
 * user alice (DEMO_USER) it creates two servers with boot volumes and floating IPs through POST /servers
 * (with `@enamel/client`), shows the stages live from the task's event stream with the `enamel` command's
 * renderer, prints the timeline, and deletes everything again (unless --keep); `--metrics` prints what
 * `GET /metrics` says at the end.
 */
import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { ExitCode, Output, titleOf, watchTask } from "@enamel/cli"
import { EnamelClient, type EnamelClientShape } from "@enamel/client"
import type { TaskView } from "@enamel/domain/contract"
import { ServerCreate } from "@enamel/domain/flows"
import { inFrontOfCloudAt } from "@enamel/embedded"
import { Credentials, ServiceSession, Session, type SessionShape, Sessions } from "@enamel/openstack-clients"
import { DataDir } from "@enamel/persistence"
import { Effect, Layer, Logger, LogLevel, Option, Redacted, Schema } from "effect"
import { forgetKey } from "./forgetKey.js"

const keep = process.argv.includes("--keep")
const showMetrics = process.argv.includes("--metrics")

const decodeServers = Schema.decodeUnknownOption(ServerCreate.CreateServersResult)

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

/** Alice's client of the embedded API: typed calls derived from the contract, with her token. */
const client = (user: SessionShape) =>
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return yield* EnamelClient.make({ url: `http://127.0.0.1:${port}` }).pipe(
      Effect.provideService(Session, user)
    )
  })

/** `--metrics`: what `GET /metrics` (Prometheus text) of the embedded process says after the run. */
const printMetrics = Effect.gen(function* () {
  const server = yield* HttpServer.HttpServer
  const port = server.address._tag === "TcpAddress" ? server.address.port : 0
  const text = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()))
  yield* Output.line(`\nGET /metrics:\n${text}`)
})

/**
 * Follows an accepted task with the `enamel` command's renderer (`enamel … --wait` prints the same): its
 * stages live on a terminal, plain lines otherwise, then the timeline. Fails unless it SUCCEEDED.
 */
const follow = (enamel: EnamelClientShape, title: string, task: TaskView) =>
  Effect.gen(function* () {
    yield* Output.line(`\n${title}: task ${task.id}`)
    return yield* watchTask(enamel, task.id, titleOf(task), { format: "table", debug: false })
  })

const main = Effect.gen(function* () {
  const user = yield* userSession
  const enamel = yield* client(user)
  yield* Output.line(
    "Enamel (embedded mode): API and worker in this process on PGlite, in front of the dev cloud."
  )
  const payload = yield* Schema.decodeUnknown(ServerCreate.CreateServersRequest)({
    name: `demo-${Date.now().toString(36)}`,
    count: 2,
    image: made.image,
    flavor: made.flavor,
    boot_volume: { size_gb: 1 },
    networks: [{ network: made.network, floating_ip: { network: made.externalNetwork } }]
  })
  const accepted = yield* enamel.api.porcelain.createServers({ payload, headers: {} })
  const created = yield* follow(
    enamel,
    "POST /servers (2 servers, boot volumes, floating IPs)",
    accepted.task
  )
  const servers = Option.match(decodeServers(created.result), {
    onNone: () => [],
    onSome: (result) => result.servers
  })
  if (keep) {
    yield* Output.line("\n--keep: the servers stay.")
    if (showMetrics) yield* printMetrics
    return
  }
  for (const s of servers) {
    const deleting = yield* enamel.api.porcelain.deleteServer({
      path: { id: s.id },
      urlParams: {},
      headers: {}
    })
    yield* follow(enamel, `DELETE /servers/${s.id}`, deleting.task)
  }
  const forgotten = yield* forgetKey(user)
  yield* Output.line(
    `\nEverything Enamel made was deleted${forgotten ? ", the key it kept to act for you too" : ""}.`
  )
  if (showMetrics) yield* printMetrics
})

// The API logs every request at INFO; the demo shows its own output and only warnings besides.
// A task that did not succeed has been shown with its error already; the exit code says it.
Effect.scoped(Effect.provide(main, Enamel)).pipe(
  Effect.catchTag("TaskNotSucceeded", (task) =>
    Effect.zipRight(
      Output.note(`task ${task.id} ended ${task.state}`),
      Effect.sync(() => {
        process.exitCode = ExitCode.failed
      })
    )
  ),
  Effect.provide(Output.layerProcess),
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)),
  NodeRuntime.runMain
)
