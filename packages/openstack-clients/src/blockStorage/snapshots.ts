import { Effect, Schema } from "effect"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { optionalIfNotFound } from "../wait.js"

export const Snapshot = Schema.Struct({
  id: Schema.String,
  name: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  status: Schema.String,
  /** GiB */
  size: Schema.Number,
  volumeId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("volume_id"))
})
export type Snapshot = typeof Snapshot.Type

const SnapshotBody = Schema.Struct({ snapshot: Snapshot })

export interface SnapshotCreate {
  readonly volumeId: string
  readonly name?: string
  /** Snapshot a volume that is in use (Cinder refuses otherwise). */
  readonly force?: boolean
}

export const makeSnapshotOperations = (api: ServiceApi) => {
  const path = (id: string) => `snapshots/${segment(id)}`

  const createSnapshot = Effect.fn("Cinder.createSnapshot")(function* (spec: SnapshotCreate) {
    const json = { snapshot: { volume_id: spec.volumeId, name: spec.name, force: spec.force } }
    return (yield* api.json({ method: "POST", path: "snapshots", json }, SnapshotBody)).snapshot
  })

  const getSnapshot = Effect.fn("Cinder.getSnapshot")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: path(id) }, SnapshotBody)).snapshot
  })

  /** The snapshot, or none when it does not exist (any more). */
  const findSnapshot = Effect.fn("Cinder.findSnapshot")(function* (id: string) {
    return yield* optionalIfNotFound(getSnapshot(id))
  })

  const deleteSnapshot = Effect.fn("Cinder.deleteSnapshot")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: path(id) })
  })

  return { createSnapshot, getSnapshot, findSnapshot, deleteSnapshot }
}
