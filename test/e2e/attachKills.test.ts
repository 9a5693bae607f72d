/**
 * Worker processes killed with SIGKILL at every stage of the attach and detach flows of volumes, floating
 * IPs and interfaces, on the dev cloud. Each kill comes while the stage is in doubt: the stage has done
 * its work in the cloud and the checkpoint saying so is not on disk (see stageHold.ts). Another worker
 * process resumes the task, which succeeds; the cloud then holds exactly one volume, floating IP or port
 * of the attach, attached once, and after the detach nothing the task made. Then a cancel through the API
 * while a worker is held mid-attach ends CANCELLED with nothing left. One server per kind, reused round
 * after round; DELETE /servers/{id} ends each.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Cinder, Neutron, Nova, type SessionShape } from "@enamel/openstack-clients"
import { Effect, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { asAlice } from "./attach.js"
import {
  call,
  cloudCount,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "./enamel.js"
import { accepted, killableWorkers, succeededTask } from "./killedWorkers.js"
import { holdAt, installStageHolds } from "./stageHold.js"

const namespace = uniqueName("attach-kills")
const kinds = ["volume", "floating_ip", "interface"] as const
type Kind = (typeof kinds)[number]
const topics = [
  "server.create",
  "server.delete",
  ...kinds.flatMap((kind) => [`server.${kind}.attach`, `server.${kind}.detach`])
]
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics, own: true })))

// The API runs server.create and server.delete in-process (never killed); the attach and detach topics
// are served only by the worker processes the tests kill.
const Enamel = Layer.provideMerge(
  Layer.effectDiscard(installStageHolds),
  enamelApi(workerPools(CloudFlows.layer)).pipe(
    Layer.provide(
      inProcessWorkerSettings(namespace, [["ENAMEL_WORKER_TOPICS", "server.create=3,server.delete=3"]])
    )
  )
)

/** The stages of each flow, in order: one round kills the attach at one stage and the detach at one. */
const stages: Record<
  Kind,
  { readonly attach: ReadonlyArray<string>; readonly detach: ReadonlyArray<string> }
> = {
  volume: {
    attach: ["checkRequest", "createVolume", "waitVolumeAvailable", "attachVolume", "waitVolumeAttached"],
    detach: ["checkAttachment", "detachVolume", "waitVolumeDetached", "deleteVolume", "waitVolumeDeleted"]
  },
  floating_ip: {
    attach: ["checkRequest", "createFloatingIp"],
    detach: ["checkFloatingIp", "disassociateFloatingIp", "releaseFloatingIp"]
  },
  interface: {
    attach: ["checkRequest", "createPort", "attachInterface", "createFloatingIp"],
    detach: ["checkInterface", "letGoOfFloatingIps", "detachInterface", "waitInterfaceDetached", "deletePort"]
  }
}

/**
 * Where a cancel comes: the hold is on the stage's result, which may be written with the next stage's
 * start, so the cancel takes effect at the next stage but one, or in the next stage if it waits. The
 * floating IP attach has no such place: its one change is its last stage (a cancel then comes too late).
 */
const cancelAt: Partial<Record<Kind, string>> = {
  volume: "attachVolume",
  interface: "createPort"
}

const route: Record<Kind, string> = {
  volume: "volumes",
  floating_ip: "floating-ips",
  interface: "interfaces"
}

const body: Record<Kind, unknown> = {
  volume: { size_gb: 1 },
  floating_ip: { network: "public" },
  interface: { network: "private", floating_ip: { network: "public" } }
}

const AttachResult = Schema.Struct({
  volume_id: Schema.optional(Schema.String),
  floating_ip_id: Schema.optional(Schema.String),
  port_id: Schema.optional(Schema.String)
})

/** The id of what the attach made, from its result. */
const madeId = (kind: Kind, result: unknown): string => {
  const r = Schema.decodeUnknownSync(AttachResult)(result)
  return (kind === "volume" ? r.volume_id : kind === "floating_ip" ? r.floating_ip_id : r.port_id) ?? ""
}

/** What the cloud holds of one attach, as alice sees it: counted by the task's marks, and on the server. */
const inCloud = (kind: Kind, serverId: string, attachTask: string, id: string) =>
  Effect.gen(function* () {
    const mark = `enamel_task=${attachTask}`
    switch (kind) {
      case "volume": {
        const volumes = yield* Cinder.listVolumes({ metadata: { enamel_task: attachTask } })
        const onServer = (yield* Nova.listVolumeAttachments(serverId)).filter((a) => a.volumeId === id)
        return { made: volumes.map((v) => v.id), onServer: onServer.length }
      }
      case "floating_ip": {
        const ips = yield* Neutron.listFloatingIps({ tags: [mark] })
        const ports = (yield* Neutron.listPorts({ deviceId: serverId })).map((p) => p.id)
        return {
          made: ips.map((ip) => ip.id),
          onServer: ips.filter((ip) => ip.portId !== null && ports.includes(ip.portId)).length
        }
      }
      case "interface": {
        const ports = yield* Neutron.listPorts({ tags: [mark] })
        const ips = yield* Neutron.listFloatingIps({ tags: [mark] })
        const onServer = (yield* Nova.listInterfaces(serverId)).filter((i) => i.portId === id)
        return {
          made: [...ports.map((p) => p.id), ...ips.filter((ip) => ip.portId === id).map(() => "floating ip")],
          onServer: onServer.length
        }
      }
    }
  })

/** The volumes, ports and floating IPs on the server. */
const attachedTo = (serverId: string) =>
  Effect.gen(function* () {
    const ports = (yield* Nova.listInterfaces(serverId)).map((i) => i.portId).sort()
    const ips = (yield* Neutron.listFloatingIps()).filter(
      (ip) => ip.portId !== null && ports.includes(ip.portId)
    )
    return {
      volumes: (yield* Nova.listVolumeAttachments(serverId)).map((a) => a.volumeId).sort(),
      ports,
      floatingIps: ips.map((ip) => ip.id).sort()
    }
  })

/** What the attach of each kind leaves when it succeeded: the id it made (and its floating IP), attached once. */
const expectedAttached = (kind: Kind, id: string) => ({
  made: kind === "interface" ? [id, "floating ip"] : [id],
  onServer: 1
})

const eachKind = (kind: Kind, alice: SessionShape) =>
  Effect.gen(function* () {
    const started = Date.now()
    const cloud = asAlice(alice)
    const token = yield* tokenOf(alice)

    const { killedAt } = yield* killableWorkers(
      kind,
      namespace,
      `server.${kind}.attach=1,server.${kind}.detach=1`,
      token
    )
    const succeeded = (taskId: string) => succeededTask(token, taskId)

    const server = yield* succeeded(
      yield* accepted(token, "POST", "/servers", {
        name: uniqueName(`kills-${kind}`),
        image: "tiny",
        flavor: "m1.tiny",
        networks: [{ network: "private" }]
      })
    ).pipe(Effect.map((result) => (result as TaskBody["task"]["result"]).servers[0]?.id ?? ""))
    yield* Effect.addFinalizer(() => cloud(Nova.deleteServer(server)).pipe(Effect.ignore))

    console.log(
      `attach kills: ${kind}: server ${server} after ${((Date.now() - started) / 1000).toFixed(0)} s`
    )
    const { attach, detach } = stages[kind]
    const rounds = Math.max(attach.length, detach.length)
    const attachTasks: Array<string> = []
    for (let round = 0; round < rounds; round++) {
      const attachStage = attach[round % attach.length] ?? ""
      const detachStage = detach[round % detach.length] ?? ""
      const made = yield* killedAt(
        `server.${kind}.attach`,
        attachStage,
        "POST",
        `/servers/${server}/${route[kind]}`,
        body[kind]
      )
      attachTasks.push(made.taskId)
      const id = madeId(kind, made.result)
      expect({ round, attachStage, ...(yield* cloud(inCloud(kind, server, made.taskId, id))) }).toEqual({
        round,
        attachStage,
        ...expectedAttached(kind, id)
      })
      yield* killedAt(
        `server.${kind}.detach`,
        detachStage,
        "DELETE",
        `/servers/${server}/${route[kind]}/${id}`
      )
      expect({ round, detachStage, ...(yield* cloud(inCloud(kind, server, made.taskId, id))) }).toEqual({
        round,
        detachStage,
        made: [],
        onServer: 0
      })
    }

    // A cancel through the API while a worker is held at a stage of the attach, after something was
    // made: the task ends CANCELLED and what it made is undone.
    const cancelStage = cancelAt[kind]
    if (cancelStage !== undefined) {
      const beforeCancel = yield* cloud(attachedTo(server))
      // The cancel is answered (its NOTIFY sent) before the held write goes on.
      const cancelled = yield* holdAt(
        `server.${kind}.attach`,
        cancelStage,
        accepted(token, "POST", `/servers/${server}/${route[kind]}`, body[kind]),
        ({ taskId }) =>
          Effect.map(call("POST", `/tasks/${taskId}/cancel`, token), (answer) =>
            expect(answer.status, JSON.stringify(answer.body)).toBe(202)
          ),
        { cutOff: false }
      )
      attachTasks.push(cancelled.taskId)
      const ended = yield* finished(cancelled.taskId, token)
      expect({ cancelStage, state: ended.state }).toEqual({ cancelStage, state: "CANCELLED" })
      expect((yield* cloud(inCloud(kind, server, cancelled.taskId, ""))).made).toEqual([])
      expect(yield* cloud(attachedTo(server))).toEqual(beforeCancel)
    }

    yield* succeeded(yield* accepted(token, "DELETE", `/servers/${server}`))
    for (const taskId of attachTasks) {
      expect(yield* cloudCount(taskId, alice)).toEqual({ servers: 0, volumes: 0, ports: 0, floatingIps: 0 })
    }
    console.log(
      `attach kills: ${kind}: ${rounds * 2} kills in ${((Date.now() - started) / 1000).toFixed(0)} s`
    )
  })

describe("worker processes killed at every stage of the attach and detach flows on the dev cloud", () => {
  layer(Enamel, { timeout: 120_000, excludeTestServices: true })((it) => {
    // One test for the three kinds, run side by side: alice's keys are deleted once, when all have ended.
    it.scoped(
      "SIGKILL at each stage of attach and detach of volumes, floating IPs and interfaces, resumed by another worker",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          yield* Effect.forEach(kinds, (kind) => eachKind(kind, alice), {
            concurrency: "unbounded",
            discard: true
          })
        }),
      { timeout: 600_000 }
    )
  })
})
