import { type BlockStorageLimits, Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, type Option, Schema } from "effect"
import { Conflict, NotFound, PayloadTooLarge, type ServiceUnavailable } from "../../contract/errors.js"
import type { StageContext } from "../../engine/flow/Stage.js"
import { admittedNow, admittedOr } from "../cloud/admitted.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { blockStorageLimits, exceeds } from "../cloud/limits.js"
import { ServerNotFound, ServerNotReady } from "../cloud/serverErrors.js"
import { cloudUnavailable, isBootDevice, usableStatuses } from "../cloud/servers.js"
import { BackupNoVolume, BackupOverQuota } from "./errors.js"
import { type BackupFound, type BackupParams, type BackupRequest, ChosenVolume } from "./request.js"

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
  volumes: ReadonlyArray<ChosenVolume>,
  found: Option.Option<BlockStorageLimits>
) {
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
 * The server, its attachments and Cinder's limits are read at once, then the volumes at once.
 */
export const volumesToBackUp = Effect.fn("ServerBackup.volumesToBackUp")(function* (request: BackupRequest) {
  const serverId = request.server_id
  // Another project's server is a 404 for its attachments too: the same refusal, whichever comes first.
  const notFound = () => Effect.fail(new ServerNotFound({ serverId }))
  const [serverRead, attachmentsRead, limitsRead] = yield* Effect.all(
    [
      Effect.catchTag(Nova.getServer(serverId), "OpenStackNotFound", notFound),
      Effect.catchTag(Nova.listVolumeAttachments(serverId), "OpenStackNotFound", notFound),
      blockStorageLimits
    ],
    { concurrency: "unbounded", mode: "either" }
  )
  // A failure is the first in this order, whichever answer came first.
  const server = yield* serverRead
  const attachments = yield* attachmentsRead
  const limits = yield* limitsRead
  if (!usableStatuses.has(server.status)) {
    return yield* new ServerNotReady({ serverId, status: server.status, taskState: server.taskState })
  }
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
  yield* checkSnapshotQuota(volumes, limits)
  const found: BackupFound = { server_id: server.id, volumes }
  return found
})

/**
 * Checks, before anything is made: the server is the caller's and ACTIVE or SHUTOFF, it has the volumes
 * asked for, and the project's quota allows a snapshot of each; the set's id is the task's (the same
 * after a crash). Creates nothing.
 */
export const chooseVolumes = CloudStage.make({
  name: "chooseVolumes",
  result: BackupPlan,
  run: Effect.fn("ServerBackup.chooseVolumes")(function* (request: BackupParams, context: StageContext) {
    // What the admission found a moment ago, while fresh (`cloud/admitted.ts`); else read again.
    const found = yield* admittedOr(request.admitted, volumesToBackUp(request))
    const plan: BackupPlan = {
      server_id: found.server_id,
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
 * volume, 413 over quota); what it found travels with the task for `chooseVolumes`.
 */
export const admitBackup = (request: BackupParams) =>
  volumesToBackUp(request).pipe(
    Effect.catchAll(backupRefusal(request)),
    Effect.flatMap(admittedNow),
    Effect.map((admitted): BackupParams => ({ ...request, admitted }))
  )
