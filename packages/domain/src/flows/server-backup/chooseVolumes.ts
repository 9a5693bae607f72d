import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { Conflict, NotFound, PayloadTooLarge, type ServiceUnavailable } from "../../contract/errors.js"
import type { StageContext } from "../../engine/flow/Stage.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { blockStorageLimits, exceeds } from "../cloud/limits.js"
import { cloudUnavailable, isBootDevice, usableServer } from "../cloud/servers.js"
import { BackupNoVolume, BackupOverQuota } from "./errors.js"
import type { BackupRequest } from "./request.js"

export const ChosenVolume = Schema.Struct({
  volume_id: Schema.String,
  device: Schema.NullOr(Schema.String),
  size_gb: Schema.Number
})
export type ChosenVolume = typeof ChosenVolume.Type

/** What `chooseVolumes` found: the server, the set's id and name, and the volumes to snapshot. */
export const BackupPlan = Schema.Struct({
  server_id: Schema.String,
  backup_id: Schema.String,
  name: Schema.String,
  volumes: Schema.Array(ChosenVolume)
})
export type BackupPlan = typeof BackupPlan.Type

/** The project may make a snapshot of each volume: its snapshot and gigabyte quotas (-1: none) allow it. */
const checkSnapshotQuota = Effect.fn("ServerBackup.checkSnapshotQuota")(function* (
  volumes: ReadonlyArray<ChosenVolume>
) {
  const found = yield* blockStorageLimits
  if (found._tag === "None") return
  const limits = found.value
  const gigabytes = volumes.reduce((sum, volume) => sum + volume.size_gb, 0)
  const over = (quota: string, limit: number, used: number, needed: number) =>
    exceeds(limit, used, needed) ? [new BackupOverQuota({ quota, limit, used, needed })] : []
  const [first] = [
    ...over("snapshots", limits.maxTotalSnapshots, limits.totalSnapshotsUsed, volumes.length),
    ...over("gigabytes", limits.maxTotalVolumeGigabytes, limits.totalGigabytesUsed, gigabytes)
  ]
  if (first !== undefined) return yield* first
})

/**
 * The volumes a backup takes: the server is the caller's and ACTIVE or SHUTOFF; its boot volume, or every
 * volume attached to it, with the device each is attached as; and the quota allows a snapshot of each.
 */
export const volumesToBackUp = Effect.fn("ServerBackup.volumesToBackUp")(function* (request: BackupRequest) {
  const server = yield* usableServer(request.server_id)
  const attachments = yield* Nova.listVolumeAttachments(server.id)
  const chosen =
    request.volumes === "boot" ? attachments.filter((a) => isBootDevice(server, a.device)) : attachments
  if (chosen.length === 0) return yield* new BackupNoVolume({ serverId: server.id, volumes: request.volumes })
  const volumes = yield* Effect.forEach(
    chosen,
    (attachment) =>
      Effect.map(
        Cinder.getVolume(attachment.volumeId),
        (volume): ChosenVolume => ({ volume_id: volume.id, device: attachment.device, size_gb: volume.size })
      ),
    { concurrency: "unbounded" }
  )
  yield* checkSnapshotQuota(volumes)
  return { serverId: server.id, volumes }
})

/**
 * Checks, before anything is made: the server is the caller's and ACTIVE or SHUTOFF, it has the volumes
 * asked for, and the project's quota allows a snapshot of each; the set's id is the task's (the same
 * after a crash). Creates nothing.
 */
export const chooseVolumes = CloudStage.make({
  name: "chooseVolumes",
  result: BackupPlan,
  run: Effect.fn("ServerBackup.chooseVolumes")(function* (request: BackupRequest, context: StageContext) {
    const found = yield* volumesToBackUp(request)
    const plan: BackupPlan = {
      server_id: found.serverId,
      backup_id: context.taskId,
      name: request.name,
      volumes: found.volumes
    }
    return plan
  })
})

/** `volumesToBackUp`'s failures as API refusals (404 for the server, 409 not ready or no such volume, 413 over quota). */
export const backupRefusal =
  (request: BackupRequest) =>
  (
    error: Effect.Effect.Error<ReturnType<typeof volumesToBackUp>>
  ): Effect.Effect<never, NotFound | Conflict | PayloadTooLarge | ServiceUnavailable> => {
    switch (error._tag) {
      case "ServerNotFound":
        return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
      case "ServerNotReady":
      case "BackupNoVolume":
        return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
      case "BackupOverQuota":
        return Effect.fail(new PayloadTooLarge({ code: error.code, detail: error.message }))
      default:
        return Effect.fail(cloudUnavailable(`what server ${request.server_id} has to back up`, error))
    }
  }

/**
 * Admission: the same, as API refusals (404 for the server, 409 when it is not ready or has no such
 * volume, 413 over quota).
 */
export const admitBackup = (request: BackupRequest) =>
  volumesToBackUp(request).pipe(Effect.asVoid, Effect.catchAll(backupRefusal(request)))
