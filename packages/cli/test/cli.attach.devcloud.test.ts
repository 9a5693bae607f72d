/**
 * `enamel server volume|interface|floating-ip add|remove` and `server show` as alice against Enamel's API
 * and a worker on the dev cloud, each command in its own process as a user runs it: a server made with
 * `server create --wait`; `server volume add --size 1 --wait`, `server interface add --network private
 * --floating-ip public --wait` and `server floating-ip add --wait`; `server show -f json`, read with the
 * contract's schema, showing each with the task that made it; the removes; and nothing left in alpha.
 */
import { HttpServer } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { TaskDetailView } from "@enamel/domain/contract"
import {
  registry,
  ServerCreate,
  ServerFloatingIpAttach,
  ServerInterfaceAttach,
  ServerShow,
  ServerVolumeAttach
} from "@enamel/domain/flows"
import { Effect, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import {
  deleteUserKeysAtEnd,
  enamelApi,
  identityEnv,
  inProcessWorkerSettings
} from "../../../test/e2e/enamel.js"
import { cleanUp, leftovers, nothingLeft } from "../../domain/test/flows/support/devcloud.js"
import { cloudLayer, sessionFor, uniqueName } from "../../openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../worker/src/WorkerProcess.js"
import { runEnamel } from "./support/process.js"

const namespace = uniqueName("cli-attach")
const topics = registry.commands.map((command) => command.type)
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics, own: true })))

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(
    inProcessWorkerSettings(namespace, [
      ["ENAMEL_ACCESS_LOG", "false"],
      ["ENAMEL_WORKER_TOPICS", topics.map((t) => `${t}=2`).join(",")]
    ])
  )
)

const name = uniqueName("cli-att")
const TaskDetailJson = Schema.parseJson(TaskDetailView)
const ServerJson = Schema.parseJson(ServerShow.ServerResponse)

/** The tasks this file made: whatever they left in alpha is removed when it ends, pass or fail. */
const made: Array<string> = []

const inAlpha = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, cloudLayer("alice"))

const EnamelForAlice = Layer.scopedDiscard(
  Effect.gen(function* () {
    yield* deleteUserKeysAtEnd(yield* sessionFor("alice"))
    yield* Effect.addFinalizer(() =>
      inAlpha(Effect.forEach(made, (id) => cleanUp(id, [name]))).pipe(Effect.ignore)
    )
  })
).pipe(Layer.provideMerge(Enamel))

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

/** `enamel <args> --wait -f json` as alice in its own process: the task, which must have SUCCEEDED. */
const succeeds = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const run = yield* Effect.flatMap(aliceEnv, (env) => runEnamel([...args, "--wait", "-f", "json"], env))
    const task = yield* Schema.decodeUnknown(TaskDetailJson)(run.stdout)
    made.push(task.id)
    expect([run.code, task.state, run.stderr], JSON.stringify(task.error)).toEqual([0, "SUCCEEDED", ""])
    return task
  })

const show = (serverId: string) =>
  Effect.gen(function* () {
    const run = yield* Effect.flatMap(aliceEnv, (env) =>
      runEnamel(["server", "show", serverId, "-f", "json"], env)
    )
    expect([run.code, run.stderr]).toEqual([0, ""])
    return (yield* Schema.decodeUnknown(ServerJson)(run.stdout)).server
  })

describe("the enamel command's attach and detach as alice on the dev cloud", () => {
  layer(EnamelForAlice, { timeout: 600_000, excludeTestServices: true })((it) => {
    it.effect(
      "server volume|interface|floating-ip add --wait, server show -f json, the removes; nothing left",
      () =>
        Effect.gen(function* () {
          const created = yield* succeeds([
            "server",
            "create",
            name,
            "--image",
            "tiny",
            "--flavor",
            "m1.tiny",
            "--network",
            "private"
          ])
          const server = (yield* Schema.decodeUnknown(ServerCreate.CreateServersResult)(created.result))
            .servers[0]
          if (server === undefined) return yield* Effect.dieMessage("no server was made")
          const serverId = server.id

          const volumeTask = yield* succeeds(["server", "volume", "add", serverId, "--size", "1"])
          const volume = yield* Schema.decodeUnknown(ServerVolumeAttach.AttachVolumeResult)(volumeTask.result)
          expect(volume.created).toBe(true)

          const interfaceTask = yield* succeeds([
            "server",
            "interface",
            "add",
            serverId,
            "--network",
            "private",
            "--floating-ip",
            "public"
          ])
          const nic = yield* Schema.decodeUnknown(ServerInterfaceAttach.AttachInterfaceResult)(
            interfaceTask.result
          )
          expect(nic.floating_ip?.address).toMatch(/^172\.24\.4\./)

          // A floating IP on the server's first port (the one `server create` made has none).
          const fipTask = yield* succeeds(["server", "floating-ip", "add", serverId, "--network", "public"])
          const fip = yield* Schema.decodeUnknown(ServerFloatingIpAttach.AttachFloatingIpResult)(
            fipTask.result
          )
          expect(fip.port_id).not.toBe(nic.port_id)

          // Read back in one call: each thing with the task that made it.
          const shown = yield* show(serverId)
          expect([shown.id, shown.name, shown.status]).toEqual([serverId, name, "ACTIVE"])
          expect(shown.volumes).toContainEqual({
            id: volume.volume_id,
            device: volume.device,
            size_gb: 1,
            boot: false,
            task_id: volumeTask.id
          })
          const port = shown.ports.find((p) => p.id === nic.port_id)
          expect(port?.task_id).toBe(interfaceTask.id)
          expect(port?.fixed_ips.map((ip) => ip.ip_address)).toEqual([...nic.fixed_ips])
          expect(port?.floating_ips).toEqual([
            { id: nic.floating_ip?.id, address: nic.floating_ip?.address, task_id: interfaceTask.id }
          ])
          const first = shown.ports.find((p) => p.id === fip.port_id)
          expect(first?.task_id).toBe(created.id)
          expect(first?.floating_ips).toEqual([
            { id: fip.floating_ip_id, address: fip.address, task_id: fipTask.id }
          ])

          // The removes: each deletes what Enamel made.
          yield* succeeds(["server", "floating-ip", "remove", serverId, fip.floating_ip_id])
          yield* succeeds(["server", "interface", "remove", serverId, nic.port_id])
          yield* succeeds(["server", "volume", "remove", serverId, volume.volume_id])
          const after = yield* show(serverId)
          expect(after.volumes).toEqual([])
          expect(after.ports.map((p) => [p.id, p.floating_ips])).toEqual([[fip.port_id, []]])
          for (const id of [volumeTask.id, interfaceTask.id, fipTask.id]) {
            expect(yield* inAlpha(leftovers(id))).toEqual(nothingLeft)
          }

          yield* succeeds(["server", "delete", serverId])
          expect(yield* inAlpha(leftovers(created.id, [name]))).toEqual(nothingLeft)
        }),
      480_000
    )
  })
})
