/**
 * Cinder's snapshots in the double: of the caller's own volumes (`in-use` ones only with `force`), with
 * metadata, `creating` for a few calls and then `available` (or `error` when a fault says so), `deleting`
 * for a few calls and then gone; listed with a metadata and a volume filter; counted against the
 * project's snapshot and gigabyte quotas (`GET /limits`). A volume may be created from an available one,
 * and a volume that has snapshots cannot be deleted.
 */
import { Effect } from "effect"
import {
  type Answer,
  type Ctx,
  field,
  isoMicros,
  links,
  ok,
  overQuotaAnswer,
  paginate,
  Refusal,
  refuse,
  stringField,
  stringRecord
} from "./http.js"
import { newestFirst } from "./order.js"
import { type Snapshot, schedule, uuid } from "./state.js"

export const snapshotView = (snapshot: Snapshot) => ({
  id: snapshot.id,
  name: snapshot.name,
  description: null,
  status: snapshot.status,
  size: snapshot.size,
  volume_id: snapshot.volumeId,
  metadata: snapshot.metadata,
  created_at: isoMicros(snapshot.createdAt),
  updated_at: null
})

/** The caller's own snapshot, or Cinder's 404. */
export const ownSnapshot = (ctx: Ctx, id: string) => {
  const snapshot = ctx.state.snapshots.get(id)
  return snapshot !== undefined && snapshot.projectId === ctx.caller.projectId
    ? Effect.succeed(snapshot)
    : refuse("cinder", 404, `Snapshot ${id} could not be found.`)
}

/** What the project uses of its block-storage quotas: snapshots, and gigabytes of volumes and snapshots. */
const usage = (ctx: Ctx) => {
  const mine = <A extends { readonly projectId: string; readonly size: number }>(items: Iterable<A>) =>
    [...items].filter((item) => item.projectId === ctx.caller.projectId)
  const snapshots = mine(ctx.state.snapshots.values())
  const gigabytes = [...mine(ctx.state.volumes.values()), ...snapshots].reduce((sum, x) => sum + x.size, 0)
  return { snapshots: snapshots.length, gigabytes }
}

const createSnapshot = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state } = ctx
    const body = field(ctx.call.json, "snapshot")
    const volumeId = stringField(body, "volume_id") ?? ""
    const volume = state.volumes.get(volumeId)
    if (volume === undefined || volume.projectId !== ctx.caller.projectId)
      return yield* refuse("cinder", 404, `Volume ${volumeId} could not be found.`)
    const force = field(body, "force") === true
    if (volume.status !== "available" && !(force && volume.status === "in-use")) {
      return yield* refuse("cinder", 400, `Invalid volume: Volume ${volumeId} status must be available.`)
    }
    const quota = state.projects.get(ctx.caller.projectId)?.quota
    const used = usage(ctx)
    if (quota !== undefined && used.snapshots + 1 > quota.snapshots) {
      return yield* new Refusal({ answer: overQuotaAnswer("cinder", "snapshots") })
    }
    if (quota !== undefined && used.gigabytes + volume.size > quota.gigabytes) {
      return yield* new Refusal({ answer: overQuotaAnswer("cinder", "gigabytes") })
    }
    const snapshot: Snapshot = {
      id: uuid(),
      name: stringField(body, "name") ?? null,
      projectId: ctx.caller.projectId,
      volumeId,
      size: volume.size,
      metadata: stringRecord(field(body, "metadata")),
      createdAt: ctx.now,
      status: "creating"
    }
    state.snapshots.set(snapshot.id, snapshot)
    const failure = ctx.errorState
    schedule(state, state.steps.snapshot, (at) => {
      if (state.snapshots.get(snapshot.id) !== snapshot || snapshot.status !== "creating") return
      if (failure === undefined) {
        snapshot.status = "available"
        return
      }
      snapshot.status = "error"
      const message = {
        id: uuid(),
        projectId: snapshot.projectId,
        resourceId: snapshot.id,
        text: failure,
        createdAt: at
      }
      state.messages.set(message.id, message)
    })
    return ok({ snapshot: snapshotView(snapshot) }, 202)
  })

const deleteSnapshot = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const snapshot = yield* ownSnapshot(ctx, id)
    if (snapshot.status !== "available" && snapshot.status !== "error") {
      return yield* refuse(
        "cinder",
        400,
        "Invalid snapshot: Volume Snapshot status must be available or error and must not be part of a group."
      )
    }
    snapshot.status = "deleting"
    schedule(ctx.state, ctx.state.steps.snapshot, () => ctx.state.snapshots.delete(snapshot.id))
    const answer: Answer = { status: 202 }
    return answer
  })

/** Cinder's `metadata={"k": "v"}` filter of volumes and snapshots: every pair. */
export const metadataFilter = (text: string | undefined): Effect.Effect<Record<string, string>, Refusal> => {
  if (text === undefined) return Effect.succeed({})
  try {
    return Effect.succeed(stringRecord(JSON.parse(text)))
  } catch {
    return refuse("cinder", 400, `Invalid input received: metadata ${text} is not valid.`)
  }
}

const listSnapshots = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, call } = ctx
    const wanted = Object.entries(yield* metadataFilter(call.query.metadata))
    const volumeId = call.query.volume_id
    const snapshots = [...state.snapshots.values()]
      .reverse()
      .filter(
        (s) =>
          s.projectId === caller.projectId &&
          (volumeId === undefined || s.volumeId === volumeId) &&
          wanted.every(([key, value]) => s.metadata[key] === value)
      )
      .sort(newestFirst)
    const page = yield* paginate(call, snapshots, state.pageSize)
    return ok({ snapshots: page.items.map(snapshotView), snapshots_links: links(page.next) })
  })

/** `GET /limits`: the project's block-storage limits and what it uses. */
export const limits = (ctx: Ctx) => {
  const quota = ctx.state.projects.get(ctx.caller.projectId)?.quota
  const used = usage(ctx)
  const volumes = [...ctx.state.volumes.values()].filter((v) => v.projectId === ctx.caller.projectId)
  return Effect.succeed(
    ok({
      limits: {
        rate: [],
        absolute: {
          maxTotalVolumes: quota?.volumes ?? -1,
          maxTotalSnapshots: quota?.snapshots ?? -1,
          maxTotalVolumeGigabytes: quota?.gigabytes ?? -1,
          maxTotalBackups: 10,
          maxTotalBackupGigabytes: 1000,
          totalVolumesUsed: volumes.length,
          totalGigabytesUsed: used.gigabytes,
          totalSnapshotsUsed: used.snapshots,
          totalBackupsUsed: 0,
          totalBackupGigabytesUsed: 0
        }
      }
    })
  )
}

/** `/snapshots`, `/snapshots/detail` and `/snapshots/<id>`. */
export const routeSnapshots = (
  ctx: Ctx,
  id: string | undefined
): Effect.Effect<Answer, Refusal> | undefined => {
  const method = ctx.call.method
  if (id === undefined) return method === "POST" ? createSnapshot(ctx) : undefined
  if (id === "detail") return method === "GET" ? listSnapshots(ctx) : undefined
  if (method === "GET") return Effect.map(ownSnapshot(ctx, id), (s) => ok({ snapshot: snapshotView(s) }))
  return method === "DELETE" ? deleteSnapshot(ctx, id) : undefined
}
