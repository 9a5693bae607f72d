/**
 * The `enamel` command in the fast tier: run in this process (`Cli.run`) with its output kept, against
 * Enamel's API and a worker on in-memory layers (PGlite, the in-process broker, static tokens, the cloud
 * double) and a stand-in Keystone that hands out alice's static token. `server.create` runs a stand-in
 * flow with the real flow's scopes (`server[i]/network[0]/createPort`, `server[i]/bootServer`): names
 * `slow-*` take seconds, `fail-*` fail on the last server's boot and are undone. The stand-in Keystone
 * hands out the admin's token to the user `admin` (`asAdmin`).
 */
import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Flow, runnable, Stage } from "@enamel/domain"
import { embeddedAt } from "@enamel/embedded"
import * as TestDatabase from "@enamel/persistence/testing"
import { TaskFlowsLayer, taskFlow } from "@enamel/worker"
import { ConfigProvider, Context, Data, Effect, Layer, Schema } from "effect"
import { TestEdges, tokens } from "../../../api/test/harness.js"
import * as Cli from "../../src/Cli.js"
import { makeMemory, Output, type OutputShape } from "../../src/render/Output.js"

class StageFailed extends Data.TaggedError("StageFailed")<{
  readonly code: string
  readonly message: string
}> {}

const step = (name: string) =>
  Stage.make({
    name,
    result: Schema.String,
    run: (input: { readonly ms: number; readonly fail: boolean }, ctx) =>
      input.fail
        ? Effect.zipRight(
            Effect.sleep(input.ms),
            Effect.fail(new StageFailed({ code: "server.boot_failed", message: "No valid host was found." }))
          )
        : Effect.as(Effect.sleep(input.ms), ctx.path),
    compensate: () => Effect.sleep(20)
  })

const resolveRequest = step("resolveRequest")
const createPort = step("createPort")
const bootServer = step("bootServer")

const standIn = Flow.make({
  type: "server.create",
  params: Schema.Struct({ name: Schema.String, count: Schema.Int }),
  result: Schema.Struct({ servers: Schema.Array(Schema.String) }),
  program: ({ name, count }) =>
    Effect.gen(function* () {
      const ms = name.startsWith("slow") ? 1500 : 20
      yield* Flow.stage(resolveRequest, { ms: 10, fail: false })
      const servers = yield* Flow.forEach(
        "server",
        Array.from({ length: count }, (_, i) => i),
        (i) =>
          Effect.gen(function* () {
            yield* Flow.scoped("network[0]")(Flow.stage(createPort, { ms, fail: false }))
            return yield* Flow.stage(bootServer, { ms, fail: name.startsWith("fail") && i === count - 1 })
          }),
        { concurrency: 4 }
      )
      return { servers }
    })
})

const settings = Layer.setConfigProvider(
  ConfigProvider.fromMap(
    new Map([
      ["ENAMEL_WORKER_TOPICS", "server.create=4,server.delete=2"],
      ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
      ["ENAMEL_ACCESS_LOG", "false"]
    ])
  )
)

/** The API and a worker on a random loopback port, over PGlite in a fresh data dir. */
const EnamelInMemory = Layer.unwrapScoped(
  Effect.map(TestDatabase.freshDataDir, (dataDir) =>
    embeddedAt(
      dataDir,
      TaskFlowsLayer.layer([taskFlow(runnable(standIn), () => Layer.empty)]),
      TestEdges,
      NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })
    ).pipe(Layer.provide(TestEdges))
  )
).pipe(Layer.provide(settings))

/** Keystone's `POST /v3/auth/tokens`, answered with alice's static token; counts every request it gets. */
const StandInKeystone = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly requests: () => number; readonly close: () => void }>(
    (resume) => {
      let requests = 0
      const server = createServer((request, response) => {
        requests += 1
        let body = ""
        request.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk
        })
        request.on("end", () => {
          const now = Date.now()
          // The password request names its user: "admin" gets the admin's token, anyone else alice's.
          const admin = body.includes('"name":"admin"')
          response.writeHead(201, {
            "content-type": "application/json",
            "x-subject-token": admin ? tokens.admin : tokens.alice,
            "x-openstack-request-id": "req-00000000-0000-4000-8000-000000000000"
          })
          response.end(
            JSON.stringify({
              token: {
                methods: ["password"],
                user: admin ? { id: "enamel", name: "admin" } : { id: "alice", name: "alice" },
                project: admin ? { id: "service", name: "service" } : { id: "alpha", name: "alpha" },
                roles: admin ? [{ id: "admin", name: "admin" }] : [{ id: "member", name: "member" }],
                expires_at: new Date(now + 3_600_000).toISOString(),
                issued_at: new Date(now).toISOString(),
                catalog: []
              }
            })
          )
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${port}/v3`,
            requests: () => requests,
            close: () => server.close()
          })
        )
      })
    }
  ),
  (keystone) => Effect.sync(keystone.close)
)

export class World extends Context.Tag("@enamel/cli/test/World")<
  World,
  { readonly env: ReadonlyMap<string, string>; readonly keystoneRequests: Effect.Effect<number> }
>() {}

/** Enamel in memory, the stand-in Keystone, and the OS_* and ENAMEL_URL that point the CLI at them. */
export const WorldLive = Layer.scoped(
  World,
  Effect.gen(function* () {
    const keystone = yield* StandInKeystone
    const server = yield* HttpServer.HttpServer
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    return {
      env: new Map([
        ["OS_AUTH_URL", keystone.url],
        ["OS_USERNAME", "alice"],
        ["OS_PASSWORD", "alice-password"],
        ["OS_PROJECT_NAME", "alpha"],
        ["OS_USER_DOMAIN_NAME", "Default"],
        ["OS_PROJECT_DOMAIN_NAME", "Default"],
        ["ENAMEL_URL", `http://127.0.0.1:${port}`]
      ]),
      keystoneRequests: Effect.sync(keystone.requests)
    }
  })
).pipe(Layer.provideMerge(EnamelInMemory))

/**
 * Runs `enamel <args>` in this process with the world's settings (and `env` over them), writing to
 * `output`; gives the exit code.
 */
export const enamelTo = (
  output: OutputShape,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {}
) =>
  Effect.gen(function* () {
    const world = yield* World
    return yield* Cli.run(["node", "enamel", ...args]).pipe(
      Effect.provide(Cli.layer),
      Effect.provideService(Output, output),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([...world.env, ...Object.entries(env)])))
    )
  })

/** Alice's settings as the admin's: the stand-in Keystone hands out the admin's token. */
export const asAdmin = { env: { OS_USERNAME: "admin", OS_PROJECT_NAME: "service" } }

/** Runs `enamel <args>` on a terminal or not, and gives what it wrote. */
export const enamel = (
  args: ReadonlyArray<string>,
  options: { readonly terminal?: boolean; readonly env?: Readonly<Record<string, string>> } = {}
) =>
  Effect.gen(function* () {
    const memory = yield* makeMemory({ isTerminal: options.terminal ?? false, columns: 100, rows: 40 })
    const code = yield* enamelTo(memory.output, args, options.env)
    return { code, stdout: yield* memory.stdout, stderr: yield* memory.stderr }
  })
