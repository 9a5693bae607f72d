/**
 * Cinder's snapshots in the double: made `available` at once (no data to copy), of the caller's own
 * volumes (`in-use` ones only with `force`); a volume may be created from one, and a volume that has
 * snapshots cannot be deleted.
 */
import { Effect } from "effect"
import { type Answer, type Ctx, field, isoMicros, ok, type Refusal, refuse, stringField } from "./http.js"
import { type Snapshot, uuid } from "./state.js"

export const snapshotView = (snapshot: Snapshot) => ({
  id: snapshot.id,
  name: snapshot.name,
  description: null,
  status: snapshot.status,
  size: snapshot.size,
  volume_id: snapshot.volumeId,
  metadata: {},
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

const createSnapshot = (ctx: Ctx) =>
  Effect.gen(function* () {
    const body = field(ctx.call.json, "snapshot")
    const volumeId = stringField(body, "volume_id") ?? ""
    const volume = ctx.state.volumes.get(volumeId)
    if (volume === undefined || volume.projectId !== ctx.caller.projectId)
      return yield* refuse("cinder", 404, `Volume ${volumeId} could not be found.`)
    const force = field(body, "force") === true
    if (volume.status !== "available" && !(force && volume.status === "in-use")) {
      return yield* refuse("cinder", 400, `Invalid volume: Volume ${volumeId} status must be available.`)
    }
    const snapshot: Snapshot = {
      id: uuid(),
      name: stringField(body, "name") ?? null,
      projectId: ctx.caller.projectId,
      volumeId,
      size: volume.size,
      createdAt: ctx.now,
      status: "available"
    }
    ctx.state.snapshots.set(snapshot.id, snapshot)
    return ok({ snapshot: snapshotView(snapshot) }, 202)
  })

const deleteSnapshot = (ctx: Ctx, id: string) =>
  Effect.map(ownSnapshot(ctx, id), (snapshot): Answer => {
    ctx.state.snapshots.delete(snapshot.id)
    return { status: 202 }
  })

/** `/snapshots` and `/snapshots/<id>`. */
export const routeSnapshots = (
  ctx: Ctx,
  id: string | undefined
): Effect.Effect<Answer, Refusal> | undefined => {
  const method = ctx.call.method
  if (id === undefined) return method === "POST" ? createSnapshot(ctx) : undefined
  if (method === "GET") return Effect.map(ownSnapshot(ctx, id), (s) => ok({ snapshot: snapshotView(s) }))
  return method === "DELETE" ? deleteSnapshot(ctx, id) : undefined
}
