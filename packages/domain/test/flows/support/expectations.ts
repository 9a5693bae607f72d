/** What a finished `server.create` must have left in the cloud, checked through the clients. */
import { expect } from "@effect/vitest"
import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Deferred, Effect, Predicate } from "effect"
import * as Checkpoints from "../../../src/engine/flow/Checkpoints.js"
import type { FlowOutcome } from "../../../src/engine/flow/FlowOutcome.js"
import type { TimelineEntry, TimelineWrite } from "../../../src/engine/task/TimelineEntry.js"
import type { CreatedServer } from "../../../src/flows/server-create/result.js"

/** The result of a run that must have succeeded; otherwise the test fails with the run's error. */
export const succeeded = <O>(outcome: FlowOutcome<O>) =>
  outcome._tag === "Succeeded"
    ? Effect.succeed(outcome.result)
    : Effect.dieMessage(`expected the flow to succeed, it ended ${outcome._tag}: ${JSON.stringify(outcome)}`)

/** Whether the cloud answers "not found" for the thing `get` reads (anything else it answers: false). */
export const gone = <A, E, R>(get: Effect.Effect<A, E, R>) =>
  get.pipe(
    Effect.as(false),
    Effect.catchIf(Predicate.isTagged("OpenStackNotFound"), () => Effect.succeed(true))
  )

/** The error and undo report of a run that must have failed. */
export const failed = <O>(outcome: FlowOutcome<O>) =>
  outcome._tag === "Failed"
    ? Effect.succeed(outcome)
    : Effect.dieMessage(`expected the flow to fail, it ended ${outcome._tag}: ${JSON.stringify(outcome)}`)

export const timeline = (taskId: string) => Effect.flatMap(Checkpoints.Checkpoints, (c) => c.timeline(taskId))

/** `path#attempt:STATE` for the entries of one phase, in order. */
export const states = (entries: ReadonlyArray<TimelineEntry>, phase: TimelineEntry["phase"]) =>
  entries.filter((e) => e.phase === phase).map((e) => `${e.path}#${e.attempt}:${e.state}`)

/**
 * The server is ACTIVE on its ports, booted from its volume (in-use, attached to it), each port bound to
 * it, each floating IP on its port with an address from `public` (172.24.4.0/24).
 */
export const expectBuilt = (server: CreatedServer) =>
  Effect.gen(function* () {
    const seen = yield* Nova.getServer(server.id)
    expect(seen.status).toBe("ACTIVE")
    expect(seen.name).toBe(server.name)
    if (server.volume_id !== undefined) {
      expect(seen.volumesAttached.map((v) => v.id)).toContain(server.volume_id)
      const volume = yield* Cinder.getVolume(server.volume_id)
      expect(volume.status).toBe("in-use")
      expect(volume.bootable).toBe(true)
      expect(volume.attachments.map((a) => a.serverId)).toEqual([server.id])
    }
    for (const port of server.ports) {
      const seenPort = yield* Neutron.getPort(port.id)
      expect(seenPort.deviceId).toBe(server.id)
      expect(seenPort.deviceOwner).toMatch(/^compute:/)
    }
    for (const ip of server.floating_ips) {
      const seenIp = yield* Neutron.getFloatingIp(ip.id)
      expect(seenIp.portId).toBe(ip.port_id)
      expect(seenIp.floatingIpAddress).toBe(ip.address)
      expect(ip.address).toMatch(/^172\.24\.4\./)
      expect(server.ports.map((p) => p.id)).toContain(ip.port_id)
    }
  })

/** The checkpoint store, watched for `stage` to start running: `started` completes then (to cancel there). */
export const watching = (stage: string, started: Deferred.Deferred<void>) =>
  Effect.map(Checkpoints.Checkpoints, (store) => {
    const seen = (entries: ReadonlyArray<TimelineWrite>) =>
      entries.some((e) => e.phase === "run" && e.path === stage && e.state === "RUNNING")
        ? Deferred.succeed(started, undefined)
        : Effect.void
    return Checkpoints.Checkpoints.of({
      timeline: store.timeline,
      record: (entry) => Effect.zipLeft(store.record(entry), seen([entry])),
      recordAll: (entries) => Effect.zipLeft(store.recordAll(entries), seen(entries))
    })
  })
