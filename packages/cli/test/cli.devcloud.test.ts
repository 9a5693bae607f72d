/**
 * The `enamel` command as alice against Enamel's API and a worker on the dev cloud (PostgreSQL,
 * RabbitMQ, Keystone, Barbican and the cloud's services all real), each command in its own process as a
 * user runs it: `server create --wait` of two servers with boot volumes and floating IPs on a
 * pseudo-terminal (the live view), `task list -f json`, `task show`, `task watch` of the finished task,
 * `task cancel` of a running one, `server delete --wait` (once `-f json`, once plain lines), and nothing
 * of it left in alpha afterwards.
 */

import { HttpServer } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { TaskDetailView, TaskView } from "@enamel/domain/contract"
import { ServerCreate } from "@enamel/domain/flows"
import { HttpTransport, OpenStackClients } from "@enamel/openstack-clients"
import { Deferred, Effect, FiberId, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import {
  deleteUserKeysAtEnd,
  enamelApi,
  getTask,
  identityEnv,
  inProcessWorkerSettings,
  tokenOf
} from "../../../test/e2e/enamel.js"
import { eventually } from "../../../test/support/poll.js"
import { cleanUp, leftovers, nothingLeft } from "../../domain/test/flows/support/devcloud.js"
import { cloudLayer, sessionFor, uniqueName } from "../../openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../worker/src/WorkerProcess.js"
import { runEnamel } from "./support/process.js"

const namespace = uniqueName("cli")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const name = uniqueName("cli")
const servers = [`${name}-1`, `${name}-2`]
const cancelled = uniqueName("cli-cancel")

/**
 * Opened by the cancel test once its task is CANCELLING: until then every cloud call whose body names
 * that task's server (its volume, its port) waits, so the task is surely running when it is cancelled,
 * however long a command's process takes to start.
 */
const gate = Deferred.unsafeMake<void>(FiberId.none)

const heldClients = Layer.provideMerge(
  OpenStackClients.layerWithoutTransport,
  Layer.effect(
    HttpTransport.HttpTransport,
    Effect.map(Effect.provide(HttpTransport.HttpTransport, HttpTransport.layerFetch), (real) =>
      HttpTransport.HttpTransport.make({
        send: (call) =>
          call.body?.text.includes(cancelled) === true
            ? Effect.zipRight(Deferred.await(gate), real.send(call))
            : real.send(call)
      })
    )
  )
)

const Enamel = enamelApi(workerPools(CloudFlows.layer), heldClients).pipe(
  Layer.provide(inProcessWorkerSettings(namespace, [["ENAMEL_ACCESS_LOG", "false"]]))
)

/** `-f json` prints the API's own views: exactly one JSON document each. */
const TaskJson = Schema.parseJson(TaskView)
const TaskDetailJson = Schema.parseJson(TaskDetailView)
const TaskListJson = Schema.parseJson(Schema.Array(TaskView))
const serversOf = (task: TaskView) => Schema.decodeUnknown(ServerCreate.CreateServersResult)(task.result)

const esc = String.fromCharCode(27)
const cursorUpAndClear = new RegExp(`${esc}\\[\\d+F${esc}\\[J`)
const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

/** Alice's OS_* variables and the API's URL: nothing else of this process's OpenStack settings. */
const aliceEnv = Effect.gen(function* () {
  const server = yield* HttpServer.HttpServer
  const port = server.address._tag === "TcpAddress" ? server.address.port : 0
  const inherited = Object.fromEntries(
    Object.entries(process.env).flatMap(([key, value]) =>
      key.startsWith("OS_") || key.startsWith("ENAMEL_") || value === undefined ? [] : [[key, value] as const]
    )
  )
  return { ...inherited, ...identityEnv("alice"), ENAMEL_URL: `http://127.0.0.1:${port}` }
})

const timeout = 240_000

/** The tasks this file made, and the servers of the first: each test goes on from the one before. */
const made: {
  readonly tasks: Array<string>
  created: string
  servers: ReadonlyArray<{ readonly id: string }>
} = { tasks: [], created: "", servers: [] }

const inAlpha = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, cloudLayer("alice"))

/**
 * Enamel, and when the file ends (before Enamel stops): whatever its tasks left in alpha is removed, and
 * the key Enamel made to act for alice, pass or fail.
 */
const EnamelForAlice = Layer.scopedDiscard(
  Effect.gen(function* () {
    yield* deleteUserKeysAtEnd(yield* sessionFor("alice"))
    yield* Effect.addFinalizer(() =>
      inAlpha(Effect.forEach(made.tasks, (id) => cleanUp(id, [...servers, cancelled]))).pipe(Effect.ignore)
    )
  })
).pipe(Layer.provideMerge(Enamel))

/** `enamel <args>` as alice, in its own process. */
const enamel = (args: ReadonlyArray<string>, options: { readonly terminal?: boolean } = {}) =>
  Effect.flatMap(aliceEnv, (env) => runEnamel(args, env, options))

describe("the enamel command as alice on the dev cloud", () => {
  layer(EnamelForAlice, { timeout: 600_000, excludeTestServices: true })((it) => {
    it.effect(
      "server create --wait on a terminal: two servers with boot volumes and floating IPs, shown live",
      () =>
        Effect.gen(function* () {
          const created = yield* enamel(
            [
              "server",
              "create",
              name,
              "--image",
              "tiny",
              "--flavor",
              "m1.tiny",
              "--network",
              "private",
              "--floating-ip",
              "public",
              "--boot-volume",
              "1",
              "--count",
              "2",
              "--wait"
            ],
            { terminal: true }
          )
          const id = new RegExp(`task (${uuid}): `).exec(created.stdout)?.[1] ?? ""
          if (id !== "") made.tasks.push(id)
          made.created = id
          expect(created.code, created.stdout).toBe(0)
          expect(created.stdout).toContain(`${esc}[?25l`)
          expect(created.stdout).toMatch(cursorUpAndClear)
          // A spinner while it runs, the servers' branches indented under them, the cursor back, the end.
          expect(created.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] server\.create [0-9a-f]{8} {2}RUNNING/)
          expect(created.stdout).toContain("  ✓ server[1]\n")
          expect(created.stdout).toMatch(/\n {4}✓ createBootVolume +\d+\.\ds\n/)
          expect(created.stdout).toMatch(/\n {6}✓ createFloatingIp +\d+\.\ds\n/)
          expect(created.stdout).toContain(`${esc}[?25h`)
          expect(created.stdout).toContain(`task ${id}: SUCCEEDED (server.create, `)
          expect(created.stdout).toContain("| server[1]/waitServerActive ")
          expect(created.stdout).toMatch(new RegExp(`${servers[1]} {2}${uuid} .*floating IP 172\\.24\\.4\\.`))
        }),
      timeout
    )

    it.effect("task list -f json parses; task show has the servers made; task watch of it ends at once", () =>
      Effect.gen(function* () {
        const id = made.created
        const listed = yield* enamel(["task", "list", "--all", "-f", "json", "--type", "server.create"])
        expect(listed.code, listed.stderr).toBe(0)
        const tasks = yield* Schema.decodeUnknown(TaskListJson)(listed.stdout)
        expect(tasks.find((t) => t.id === id)?.state).toBe("SUCCEEDED")

        const shown = yield* enamel(["task", "show", id, "-f", "json"])
        expect(shown.code, shown.stderr).toBe(0)
        const { servers: built } = yield* serversOf(yield* Schema.decodeUnknown(TaskDetailJson)(shown.stdout))
        made.servers = built
        expect(built.map((s) => s.name).sort()).toEqual(servers)
        for (const s of built) {
          expect(s.volume_id).toMatch(new RegExp(`^${uuid}$`))
          expect(s.floating_ips[0]?.address).toMatch(/^172\.24\.4\./)
        }
        const table = yield* enamel(["task", "show", id])
        expect(table.stdout).toMatch(new RegExp(`\\| id +\\| ${id} `))
        expect(table.stdout).toMatch(/\| server\[0\]\/network\[0\]\/createFloatingIp +\| +1 \| SUCCEEDED /)

        // Not a terminal: no escapes, the final table at once, exit 0.
        const watched = yield* enamel(["task", "watch", id])
        expect(watched.code, watched.stderr).toBe(0)
        expect(watched.stdout).not.toContain(esc)
        expect(watched.stdout).toContain(`task ${id}: SUCCEEDED (server.create, `)
      })
    )

    it.scoped(
      "task cancel of a running task: it is undone; watching it ends CANCELLED with exit 1",
      () =>
        Effect.gen(function* () {
          const accepted = yield* enamel([
            "server",
            "create",
            cancelled,
            "--image",
            "tiny",
            "--flavor",
            "m1.tiny",
            "--network",
            "private",
            "--boot-volume",
            "1",
            "-f",
            "json"
          ])
          expect(accepted.code, accepted.stderr).toBe(0)
          const id = (yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)).id
          made.tasks.push(id)
          yield* Effect.addFinalizer(() => Deferred.succeed(gate, undefined))
          // Its volume and port wait at the gate: it runs until the gate opens.
          const alice = yield* sessionFor("alice")
          const task = yield* eventually(
            Effect.flatMap(tokenOf(alice), (token) => getTask(id, token)),
            (task) => task.state !== "PENDING",
            { what: `task ${id} to run`, timeout: "60 seconds", every: "100 millis" }
          )
          expect(task.state).toBe("RUNNING")
          const cancelling = yield* enamel(["task", "cancel", id])
          expect(cancelling.code, cancelling.stderr).toBe(0)
          expect(cancelling.stdout).toMatch(/\| state +\| CANCELLING /)
          // The calls go on; the stages that made something end, then it stops and undoes them.
          yield* Deferred.succeed(gate, undefined)
          const ended = yield* enamel(["task", "watch", id])
          expect(ended.code).toBe(1)
          expect(ended.stdout).toContain(`task ${id}: CANCELLED`)
          expect(ended.stderr).toContain(`task ${id} ended CANCELLED`)
          expect(yield* inAlpha(leftovers(id, [cancelled]))).toEqual(nothingLeft)
        }),
      timeout
    )

    it.effect(
      "server delete --wait, as JSON and as plain lines: nothing of the servers is left in alpha",
      () =>
        Effect.gen(function* () {
          const [first, second] = made.servers
          const asJson = yield* enamel(["server", "delete", first?.id ?? "", "--wait", "-f", "json"])
          expect(asJson.code, asJson.stderr).toBe(0)
          // Exactly one JSON document on stdout.
          const deletion = yield* Schema.decodeUnknown(TaskDetailJson)(asJson.stdout)
          expect([deletion.type, deletion.state]).toEqual(["server.delete", "SUCCEEDED"])
          const plain = yield* enamel(["server", "delete", second?.id ?? "", "--wait"])
          expect(plain.code, plain.stderr).toBe(0)
          expect(plain.stdout).toMatch(/^ +\d+\.\ds {2}deleteServer +SUCCEEDED/m)
          expect(plain.stdout).toMatch(new RegExp(`task ${uuid}: SUCCEEDED \\(server\\.delete, `))
          // Servers, volumes, ports and floating IPs.
          expect(yield* inAlpha(leftovers(made.created, servers))).toEqual(nothingLeft)
        }),
      timeout
    )
  })
})
