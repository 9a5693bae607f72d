/**
 * The `enamel` command in the fast tier: run in this process (`Cli.run`) with its output kept, against
 * Enamel's API and a worker on in-memory layers (PGlite, the in-process broker, static tokens, the cloud
 * double) and a stand-in Keystone that hands out alice's static token. `server.create` runs a stand-in
 * flow with the real flow's scopes (`server[i]/network[0]/createPort`, `server[i]/bootServer`): names
 * `slow-*` take seconds, `fail-*` fail on the last server's boot and are undone. The stand-in Keystone
 * hands out the admin's token to the user `admin` (`asAdmin`). The attach, detach and backup commands run
 * stand-ins with one stage each whose result echoes the server; `aliceServer` makes a server of alice's in
 * the cloud double that the API's admission, `GET /servers/{id}` and `GET /servers/{id}/backups` read.
 */
import { createServer as createHttpServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { expect } from "@effect/vitest"
import { Flow, runnable, Stage } from "@enamel/domain"
import { registry } from "@enamel/domain/flows"
import { embeddedAt } from "@enamel/embedded"
import { Cinder, Neutron, Nova, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { TaskFlowsLayer, taskFlow } from "@enamel/worker"
import { ConfigProvider, Context, Data, Effect, Layer, Schema } from "effect"
import { TestCallers, TestEdges, tokens } from "../../../api/test/harness.js"
import * as Cli from "../../src/Cli.js"
import { ExitCode } from "../../src/exit.js"
import { makeMemory, Output, type OutputShape } from "../../src/render/Output.js"

class StageFailed extends Data.TaggedError("StageFailed")<{
  readonly code: string
  readonly message: string
}> {}

/** The version the API gives new tasks of the type: a stand-in must be it, or no worker takes them. */
const latestVersion = (type: string) => registry.commands.find((c) => c.type === type)?.latest.version ?? 1

const step = (name: string) =>
  Stage.make({
    name,
    result: Schema.String,
    // "first": fails at its first attempt only (a held task's retry is its second).
    run: (input: { readonly ms: number; readonly fail: boolean | "first" }, ctx) =>
      input.fail === true || (input.fail === "first" && ctx.attempt === 1)
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

const createServer = Flow.make({
  type: "server.create",
  version: latestVersion("server.create"),
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
            const last = i === count - 1
            const fail =
              name.startsWith("fail") && last ? true : name.startsWith("flaky") && last ? "first" : false
            return yield* Flow.stage(bootServer, { ms, fail })
          }),
        { concurrency: 4 }
      )
      return { servers }
    })
})

/**
 * The attach and detach commands' stand-ins: one stage named as the real flow's, and a result that echoes
 * the task's params (what the command line asked for), so a test reads back what the API was sent.
 */
const echo = (type: string, stageName: string) =>
  Flow.make({
    type,
    version: latestVersion(type),
    params: Schema.Struct({ server_id: Schema.String }),
    result: Schema.Struct({ server_id: Schema.String, stage: Schema.String }),
    program: ({ server_id }) =>
      Effect.map(Flow.stage(step(stageName), { ms: 20, fail: false }), (stage) => ({ server_id, stage }))
  })

/** `network.create`'s stand-in: its last stage, and a result that echoes what the API was sent. */
const createNetwork = Flow.make({
  type: "network.create",
  version: latestVersion("network.create"),
  params: Schema.Struct({ name: Schema.String }),
  result: Schema.Struct({ params: Schema.Unknown, stage: Schema.String }),
  program: (params) =>
    Effect.map(Flow.stage(step("addRouterInterface"), { ms: 20, fail: false }), (stage) => ({
      params,
      stage
    }))
})

const standIns = [
  runnable(createServer),
  runnable(echo("server.volume.attach", "attachVolume")),
  runnable(echo("server.volume.detach", "detachVolume")),
  runnable(echo("server.interface.attach", "attachInterface")),
  runnable(echo("server.interface.detach", "detachInterface")),
  runnable(echo("server.floating_ip.attach", "associateFloatingIp")),
  runnable(echo("server.floating_ip.detach", "disassociateFloatingIp")),
  runnable(echo("server.backup", "createSnapshots")),
  runnable(echo("server.backup.delete", "deleteSnapshots")),
  runnable(echo("server.resize", "confirmResize")),
  runnable(echo("server.rebuild", "rebuildServer")),
  runnable(createNetwork)
]

const settings = Layer.setConfigProvider(
  ConfigProvider.fromMap(
    new Map([
      [
        "ENAMEL_WORKER_TOPICS",
        "server.create=4,server.delete=2,server.volume.attach=2,server.volume.detach=2," +
          "server.interface.attach=2,server.interface.detach=2,server.floating_ip.attach=2," +
          "server.floating_ip.detach=2,server.backup=2,server.backup.delete=2,server.resize=2,server.rebuild=2," +
          "network.create=2"
      ],
      ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
      ["ENAMEL_ACCESS_LOG", "false"]
    ])
  )
)

/**
 * The API and a worker on a random loopback port, over PGlite in a fresh data dir; the cloud double the
 * API reads (`GET /servers/{id}`, admission) is given to the tests too.
 */
const EnamelInMemory = Layer.unwrapScoped(
  Effect.map(TestDatabase.freshDataDir, (dataDir) =>
    embeddedAt(
      dataDir,
      TaskFlowsLayer.layer(standIns.map((flow) => taskFlow(flow, () => Layer.empty))),
      TestEdges,
      NodeHttpServer.layer(createHttpServer, { port: 0, host: "127.0.0.1" })
    ).pipe(Layer.provideMerge(TestEdges))
  )
).pipe(Layer.provide(settings))

/** Keystone's `POST /v3/auth/tokens`, answered with alice's static token; counts every request it gets. */
const StandInKeystone = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly requests: () => number; readonly close: () => void }>(
    (resume) => {
      let requests = 0
      const server = createHttpServer((request, response) => {
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

/** What `aliceServer` made in the cloud double. */
export interface AliceServer {
  readonly serverId: string
  readonly portId: string
  readonly floatingIp: { readonly id: string; readonly address: string }
  /** A volume with Enamel's marks, as if `task` had attached it; and one of alice's own. */
  readonly enamels: string
  readonly hers: string
  readonly task: string
  /** A backup set of the server's: one snapshot of `hers`, marked as `server.backup` marks a set. */
  readonly backup: { readonly id: string; readonly snapshotId: string }
}

export class World extends Context.Tag("@enamel/cli/test/World")<
  World,
  {
    readonly env: ReadonlyMap<string, string>
    readonly keystoneRequests: Effect.Effect<number>
    /** An ACTIVE server of alice's in the cloud double, on a port with a floating IP, with two volumes. */
    readonly aliceServer: (name: string) => Effect.Effect<AliceServer>
  }
>() {}

const makeAliceServer = (name: string) =>
  Effect.gen(function* () {
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (cloud) => cloud.seeded)
    const alice = (yield* TestCallers).alice.session
    return yield* Effect.gen(function* () {
      const port = yield* Neutron.createPort({ networkId: seeded.networks["alpha/private"] ?? "", name })
      const publicNet = yield* Neutron.findNetwork("public")
      const floating = yield* Neutron.createFloatingIp({ networkId: publicNet.id, portId: port.id })
      const created = yield* Nova.createServer({
        name,
        flavorId: seeded.flavors["m1.tiny"] ?? "",
        imageId: seeded.images.tiny ?? "",
        networks: [{ portId: port.id }]
      })
      yield* Nova.waitForServerActive(created.id)
      const task = crypto.randomUUID()
      const enamels = yield* Cinder.createVolume({
        size: 2,
        name: `${name}-data`,
        metadata: {
          enamel_task: task,
          enamel_token: `enamel-${task}-createVolume`,
          enamel_server: created.id
        }
      })
      const hers = yield* Cinder.createVolume({ size: 1, name: `${name}-hers` })
      for (const volume of [enamels, hers]) {
        yield* Cinder.waitForVolumeAvailable(volume.id)
        yield* Nova.attachVolume(created.id, volume.id)
        yield* Cinder.waitForVolumeAttached(volume.id, created.id)
      }
      const backupId = crypto.randomUUID()
      const snapshot = yield* Cinder.createSnapshot({
        volumeId: hers.id,
        name: "nightly",
        force: true,
        metadata: { enamel_server_id: created.id, enamel_backup_id: backupId, enamel_device: "/dev/vdc" }
      })
      yield* Cinder.waitForSnapshotAvailable(snapshot.id)
      return {
        serverId: created.id,
        portId: port.id,
        backup: { id: backupId, snapshotId: snapshot.id },
        floatingIp: { id: floating.id, address: floating.floatingIpAddress },
        enamels: enamels.id,
        hers: hers.id,
        task
      }
    }).pipe(Effect.provideService(Session, alice), Effect.orDie)
  })

/** Enamel in memory, the stand-in Keystone, and the OS_* and ENAMEL_URL that point the CLI at them. */
export const WorldLive = Layer.scoped(
  World,
  Effect.gen(function* () {
    const keystone = yield* StandInKeystone
    const cloud = yield* Effect.context<Effect.Effect.Context<ReturnType<typeof makeAliceServer>>>()
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
      keystoneRequests: Effect.sync(keystone.requests),
      aliceServer: (name) => Effect.provide(makeAliceServer(name), cloud)
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

/**
 * Runs the command line and checks that it is refused before any call (not even Keystone is asked): exit
 * 2, `message` on stderr, nothing on stdout.
 */
export const refusedBeforeAnyCall = (args: ReadonlyArray<string>, message: string) =>
  Effect.gen(function* () {
    const world = yield* World
    const before = yield* world.keystoneRequests
    const run = yield* enamel(args)
    expect(run.code).toBe(ExitCode.usage)
    expect(run.stderr).toContain(message)
    expect(run.stdout).toBe("")
    expect(yield* world.keystoneRequests).toBe(before)
  })
