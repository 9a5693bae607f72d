/**
 * Worker processes killed with SIGKILL at every stage of issue 18's flows that change a running server:
 * `server.backup` (with a rotation, so its rotation stages run), `server.resize` and `server.rebuild`, on
 * the dev cloud through the real API. Each kill comes while the stage is in doubt (its work done in the
 * cloud, its checkpoint not on disk; see stageHold.ts); another worker process resumes the task, which
 * succeeds, and the cloud shows the change made once: one set holding exactly one snapshot of each
 * volume; the flavor changed once and the server ACTIVE on it, confirmed (no VERIFY_RESIZE left); the
 * server rebuilt once from the image, with the same ports and addresses (also when the kill at
 * `rebuildServer` comes after Nova has finished: the resumed stage finds its token on the server). Nova's
 * instance actions count what was asked of it. Then a cancel while a worker is held right after the resize was requested ends
 * CANCELLED, the server reverted to its old flavor. One server per flow, its kills in sequence; the
 * three flows side by side.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Cinder, Nova, Session, type SessionShape } from "@enamel/openstack-clients"
import { Effect, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import { addressesOf } from "../../packages/domain/test/flows/support/addresses.js"
import {
  anImage,
  call as cloudCall,
  json,
  volumeImageId
} from "../../packages/domain/test/flows/support/images.js"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { eventually } from "../support/poll.js"
import { asAlice, succeeds } from "./attach.js"
import {
  call,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "./enamel.js"
import { accepted, killableWorkers } from "./killedWorkers.js"
import { holdAt, installStageHolds } from "./stageHold.js"

const namespace = uniqueName("change-kills")
// Served in the API's process (never killed): making, equipping and removing the servers.
const inProcess = "server.create=3,server.delete=3,server.volume.attach=1,server.backup.delete=1"
const killed = ["server.backup", "server.resize", "server.rebuild"] as const
afterAll(() =>
  Effect.runPromise(
    removeTopology({
      namespace,
      topics: [...inProcess.split(",").map((t) => t.split("=")[0] ?? ""), ...killed],
      own: true
    })
  )
)

const Enamel = Layer.provideMerge(
  Layer.effectDiscard(installStageHolds),
  enamelApi(workerPools(CloudFlows.layer)).pipe(
    Layer.provide(inProcessWorkerSettings(namespace, [["ENAMEL_WORKER_TOPICS", inProcess]]))
  )
)

const Created = Schema.Struct({
  servers: Schema.NonEmptyArray(Schema.Struct({ id: Schema.String, volume_id: Schema.String }))
})
const BackedUp = Schema.Struct({ backup_id: Schema.String })
const AttachedVolume = Schema.Struct({ volume_id: Schema.String })
const InstanceActions = Schema.Struct({
  instanceActions: Schema.Array(Schema.Struct({ action: Schema.String }))
})

/** How often Nova was asked each action on the server (`os-instance-actions`: resize, confirmResize, …). */
const instanceActions = (serverId: string) =>
  Effect.gen(function* () {
    const body = yield* Effect.flatMap(cloudCall("compute", `/servers/${serverId}/os-instance-actions`), json)
    const counts: Record<string, number> = {}
    for (const { action } of Schema.decodeUnknownSync(InstanceActions)(body).instanceActions) {
      counts[action] = (counts[action] ?? 0) + 1
    }
    return counts
  })

/** A server of alice's booted from a new 1 GB volume of `tiny` on m1.tiny, on `private`. */
const aServer = (token: string, name: string, network: Record<string, unknown> = { network: "private" }) =>
  Effect.gen(function* () {
    const made = yield* succeeds("POST", "/servers", token, {
      name,
      image: "tiny",
      flavor: "m1.tiny",
      boot_volume: { size_gb: 1 },
      networks: [network]
    })
    return Schema.decodeUnknownSync(Created)(made).servers[0]
  })

/**
 * The pool of killable worker processes serving `topic`, and the server its flow works on. Should the
 * test fail before its own DELETE /servers/{id}, the server's snapshots are deleted (Enamel refuses to
 * delete a server with backups) and the server is deleted through Enamel, which also removes its boot
 * volume, ports and floating IP (Nova alone would leave them).
 */
const killableServer = (
  alice: SessionShape,
  token: string,
  topic: string,
  network?: Record<string, unknown>
) =>
  Effect.gen(function* () {
    const label = topic.replace("server.", "")
    const { killedAt } = yield* killableWorkers(label, namespace, `${topic}=1`, token)
    const server = yield* aServer(token, uniqueName(`kills-${label}`), network)
    const backupsOf = Cinder.listSnapshots({ metadata: { enamel_server_id: server.id } })
    const cleanUp = Effect.gen(function* () {
      if ((yield* Effect.option(Nova.getServer(server.id)))._tag === "None") return
      for (const snapshot of yield* backupsOf) yield* Effect.ignore(Cinder.deleteSnapshot(snapshot.id))
      yield* eventually(backupsOf, (left) => left.length === 0, { what: `${server.id}'s snapshots gone` })
      const answer = yield* call("DELETE", `/servers/${server.id}`, token)
      if (answer.status === 202) yield* finished((answer.body as TaskBody).task.id, token)
    })
    yield* Effect.addFinalizer(() =>
      cleanUp.pipe(Effect.provideService(Session, alice), Effect.catchAllCause(Effect.logWarning))
    )
    return { killedAt, server }
  })

/**
 * Backups with a rotation of 1 of a server with a boot and a data volume, killed once at each stage: the
 * server then has exactly one set, this task's, with one snapshot of each volume (a re-run
 * createSnapshots made none twice; the rotation removed the set before).
 */
const backups = (alice: SessionShape, token: string) =>
  Effect.gen(function* () {
    const cloud = asAlice(alice)
    const { killedAt, server } = yield* killableServer(alice, token, "server.backup")
    const data = Schema.decodeUnknownSync(AttachedVolume)(
      yield* succeeds("POST", `/servers/${server.id}/volumes`, token, { size_gb: 1 })
    )
    const volumes = [server.volume_id, data.volume_id].sort()
    const stages = [
      "chooseVolumes",
      "createSnapshots",
      "waitSnapshotsAvailable",
      "findExpiredBackups",
      // From here on an earlier set exists, which the rotation deletes.
      "rotateBackups",
      "waitBackupsDeleted"
    ]
    let last = ""
    for (const [round, stage] of stages.entries()) {
      const { taskId, result } = yield* killedAt(
        "server.backup",
        stage,
        "POST",
        `/servers/${server.id}/backups`,
        {
          name: `round-${round}`,
          rotation: 1,
          volumes: "all"
        }
      )
      last = Schema.decodeUnknownSync(BackedUp)(result).backup_id
      const snapshots = yield* cloud(Cinder.listSnapshots({ metadata: { enamel_server_id: server.id } }))
      const made = yield* cloud(Cinder.listSnapshots({ metadata: { enamel_task: taskId } }))
      expect({
        stage,
        sets: [...new Set(snapshots.map((s) => s.metadata.enamel_backup_id))],
        volumes: snapshots.map((s) => s.volumeId).sort(),
        made: made.length,
        statuses: [...new Set(snapshots.map((s) => s.status))]
      }).toEqual({ stage, sets: [last], volumes, made: 2, statuses: ["available"] })
    }
    yield* succeeds("DELETE", `/servers/${server.id}/backups/${last}`, token)
    yield* succeeds("DELETE", `/servers/${server.id}`, token)
    expect(yield* cloud(Cinder.listSnapshots({ metadata: { enamel_server_id: server.id } }))).toEqual([])
  })

/** The server as Nova shows it: status, task state, flavor. */
const flavorOf = (serverId: string) =>
  Effect.map(Nova.getServer(serverId), (s) => ({
    status: s.status,
    taskState: s.taskState,
    flavor: s.flavor?.originalName
  }))

/**
 * Resizes between m1.tiny and m1.small, killed once at each stage: each ends ACTIVE on its new flavor,
 * confirmed, with one resize and one confirm asked of Nova per task. Then a cancel while the worker is
 * held right after `requestResize`: CANCELLED, reverted to the old flavor.
 */
const resizes = (alice: SessionShape, token: string) =>
  Effect.gen(function* () {
    const cloud = asAlice(alice)
    const { killedAt, server } = yield* killableServer(alice, token, "server.resize")
    const stages = ["checkRequest", "requestResize", "waitResizeVerify", "confirmResize", "waitResized"]
    const flavors = ["m1.small", "m1.tiny"]
    for (const [round, stage] of stages.entries()) {
      const flavor = flavors[round % 2] ?? ""
      yield* killedAt("server.resize", stage, "POST", `/servers/${server.id}/resize`, { flavor })
      const actions = yield* cloud(instanceActions(server.id))
      expect({
        stage,
        ...(yield* cloud(flavorOf(server.id))),
        resizes: actions.resize,
        confirms: actions.confirmResize
      }).toEqual({
        stage,
        status: "ACTIVE",
        taskState: null,
        flavor,
        resizes: round + 1,
        confirms: round + 1
      })
    }

    // The cancel is answered (its NOTIFY sent) before the held write goes on; the next stage waits, so
    // the cancel interrupts it and the undo reverts the resize.
    const before = yield* cloud(flavorOf(server.id))
    const cancelled = yield* holdAt(
      "server.resize",
      "requestResize",
      accepted(token, "POST", `/servers/${server.id}/resize`, { flavor: flavors[stages.length % 2] }),
      ({ taskId }) =>
        Effect.map(call("POST", `/tasks/${taskId}/cancel`, token), (answer) =>
          expect(answer.status, JSON.stringify(answer.body)).toBe(202)
        ),
      { cutOff: false }
    )
    const ended = yield* finished(cancelled.taskId, token)
    expect(ended.state, JSON.stringify(ended.error)).toBe("CANCELLED")
    const actions = yield* cloud(instanceActions(server.id))
    expect({ ...(yield* cloud(flavorOf(server.id))), actions }).toEqual({
      ...before,
      actions: expect.objectContaining({
        resize: stages.length + 1,
        confirmResize: stages.length,
        revertResize: 1
      })
    })
    yield* succeeds("DELETE", `/servers/${server.id}`, token)
  })

/**
 * Rebuilds alternately from a private image of alice's and from `tiny`, killed once at each stage: each
 * rebuilt once (one rebuild asked of Nova per task, also for the kill after Nova finished, see below),
 * the root volume written from that image, and the server ACTIVE on the same ports, fixed and floating
 * addresses and volumes.
 */
const rebuilds = (alice: SessionShape, token: string) =>
  Effect.gen(function* () {
    const cloud = asAlice(alice)
    const { killedAt, server } = yield* killableServer(alice, token, "server.rebuild", {
      network: "private",
      floating_ip: { network: "public" }
    })
    const images = [
      yield* Effect.provideService(anImage(uniqueName("kills-rebuild-image")), Session, alice),
      "tiny"
    ]
    const tiny = yield* cloud(volumeImageId(server.volume_id))
    const before = yield* cloud(addressesOf(server.id))
    expect(before.floating.length).toBe(1)
    const stages = ["checkRequest", "rebuildServer", "waitServerRebuilt"]
    let rebuilt = 0
    for (const [round, stage] of stages.entries()) {
      const image = images[round % 2] ?? ""
      // Killed at rebuildServer once Nova has finished the rebuild (waited for while the worker is held,
      // so the moment is always this one): the server no longer shows a rebuild under way, and only the
      // stage's token in its metadata tells the resumed stage not to ask Nova for a second one.
      const nova =
        stage === "rebuildServer" ? cloud(Effect.orDie(Nova.waitForServerRebuilt(server.id))) : Effect.void
      yield* killedAt("server.rebuild", stage, "POST", `/servers/${server.id}/rebuild`, { image }, nova)
      rebuilt += 1
      expect({
        stage,
        ...(yield* cloud(addressesOf(server.id))),
        image: yield* cloud(volumeImageId(server.volume_id)),
        rebuilds: (yield* cloud(instanceActions(server.id))).rebuild
      }).toEqual({ stage, ...before, image: image === "tiny" ? tiny : image, rebuilds: rebuilt })
    }
    yield* succeeds("DELETE", `/servers/${server.id}`, token)
  })

describe("worker processes killed at every stage of server.backup, server.resize and server.rebuild on the dev cloud", () => {
  layer(Enamel, { timeout: 120_000, excludeTestServices: true })((it) => {
    // One test for the three flows, side by side: alice's keys are deleted once, when all have ended.
    it.scoped(
      "SIGKILL at each stage, resumed by another worker, each change made once; a cancel mid-resize reverts it",
      () =>
        Effect.gen(function* () {
          const started = Date.now()
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const token = yield* tokenOf(alice)
          yield* Effect.all([backups(alice, token), resizes(alice, token), rebuilds(alice, token)], {
            concurrency: "unbounded",
            discard: true
          })
          console.log(
            `change kills: 14 kills and a cancel in ${((Date.now() - started) / 1000).toFixed(0)} s`
          )
        }),
      { timeout: 600_000 }
    )
  })
})
