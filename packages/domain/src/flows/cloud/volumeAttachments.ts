/**
 * Attaching a volume to an existing server and letting it go again, as the volume flows and their undos
 * do it. Nova's 409 while the server is busy (a task state, another attach or detach under way) is waited
 * out with `serverBusyRetry`, so that two tasks on one server both succeed.
 */
import { Cinder, Nova } from "@enamel/openstack-clients"
import { Duration, Effect, Option, Schedule } from "effect"
import { serverBusyRetry } from "./schedules.js"

/** How long an undo looks, every 0.5 s, for an attach under way to end before it detaches (2 minutes). */
const attachUnderWay = Schedule.spaced(Duration.millis(500)).pipe(Schedule.intersect(Schedule.recurs(240)))

/** Whether the volume is between an attach request and its end (Cinder refuses a detach then). */
const attaching = (volume: Option.Option<{ readonly status: string }>) =>
  Option.exists(volume, (v) => v.status === "attaching" || v.status === "reserved")

/** Asks Nova to attach the volume, waiting while the server is busy; returns the device Nova chose. */
export const requestAttach = Effect.fn("Enamel.requestAttach")(function* (
  serverId: string,
  volumeId: string
) {
  return yield* Nova.attachVolume(serverId, volumeId).pipe(Effect.retry(serverBusyRetry))
})

/** Nova's attachment of the volume to the server, if Nova has one (also while it is being attached). */
export const findAttachment = Effect.fn("Enamel.findAttachment")(function* (
  serverId: string,
  volumeId: string
) {
  const attachments = yield* Nova.listVolumeAttachments(serverId)
  return attachments.find((attachment) => attachment.volumeId === volumeId)
})

/**
 * Asks Nova to detach the volume, waiting while the server is busy; a volume not (or no longer) attached
 * to the server, or a server that is gone, is detached already.
 */
export const requestDetach = Effect.fn("Enamel.requestDetach")(function* (
  serverId: string,
  volumeId: string
) {
  yield* Nova.detachVolume(serverId, volumeId).pipe(
    Effect.retry(serverBusyRetry),
    Effect.catchTag("OpenStackNotFound", () => Effect.void)
  )
})

/**
 * Detaches the volume from the server and waits until Cinder has let go of it (an undo: it must succeed
 * when the volume is detached already, or gone). An attach still under way is let end first.
 */
export const removeAttachment = Effect.fn("Enamel.removeAttachment")(function* (
  serverId: string,
  volumeId: string
) {
  yield* Cinder.findVolume(volumeId).pipe(Effect.repeat({ schedule: attachUnderWay, while: attaching }))
  yield* requestDetach(serverId, volumeId)
  yield* Cinder.waitForVolumeDetached(volumeId, serverId)
})
