import { Effect, Option, Schema } from "effect"
import { OpenStackNotFound, OpenStackResourceFailed } from "../errors.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { optionalIfNotFound, type WaitOptions, waitFor } from "../wait.js"

const cinder = "cinder"

export const Snapshot = Schema.Struct({
  id: Schema.String,
  name: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  status: Schema.String,
  /** GiB */
  size: Schema.Number,
  volumeId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("volume_id")),
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
    default: () => ({})
  }),
  createdAt: Schema.optionalWith(Schema.String, { default: () => "" }).pipe(Schema.fromKey("created_at"))
})
export type Snapshot = typeof Snapshot.Type

const SnapshotBody = Schema.Struct({ snapshot: Snapshot })
const SnapshotsPage = Schema.Struct({
  snapshots: Schema.Array(Snapshot),
  snapshots_links: Schema.optional(Links)
})

/** The project's block-storage limits and use (`GET /limits`, `absolute`); -1 is no limit. */
export const BlockStorageLimits = Schema.Struct({
  maxTotalVolumes: Schema.optionalWith(Schema.Number, { default: () => -1 }),
  totalVolumesUsed: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  maxTotalSnapshots: Schema.Number,
  totalSnapshotsUsed: Schema.Number,
  maxTotalVolumeGigabytes: Schema.Number,
  totalGigabytesUsed: Schema.Number
})
export type BlockStorageLimits = typeof BlockStorageLimits.Type
const LimitsBody = Schema.Struct({ limits: Schema.Struct({ absolute: BlockStorageLimits }) })

export interface SnapshotCreate {
  readonly volumeId: string
  readonly name?: string
  /** Snapshot a volume that is in use (Cinder refuses otherwise). */
  readonly force?: boolean
  readonly metadata?: Readonly<Record<string, string>>
}

export interface SnapshotFilter {
  /** Snapshots whose metadata has all these pairs (filtered by Cinder). */
  readonly metadata?: Readonly<Record<string, string>>
  readonly volumeId?: string
  readonly pageSize?: number
}

export const makeSnapshotOperations = (api: ServiceApi) => {
  const path = (id: string) => `snapshots/${segment(id)}`

  const createSnapshot = Effect.fn("Cinder.createSnapshot")(function* (spec: SnapshotCreate) {
    const json = {
      snapshot: { volume_id: spec.volumeId, name: spec.name, force: spec.force, metadata: spec.metadata }
    }
    return (yield* api.json({ method: "POST", path: "snapshots", json }, SnapshotBody)).snapshot
  })

  const getSnapshot = Effect.fn("Cinder.getSnapshot")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: path(id) }, SnapshotBody)).snapshot
  })

  /** The snapshot, or none when it does not exist (any more). */
  const findSnapshot = Effect.fn("Cinder.findSnapshot")(function* (id: string) {
    return yield* optionalIfNotFound(getSnapshot(id))
  })

  /** The project's snapshots with their details, newest first, filtered by Cinder. */
  const listSnapshots = Effect.fn("Cinder.listSnapshots")(function* (filter: SnapshotFilter = {}) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "snapshots/detail",
        query: {
          metadata: filter.metadata === undefined ? undefined : JSON.stringify(filter.metadata),
          volume_id: filter.volumeId,
          limit: filter.pageSize
        }
      },
      {
        schema: SnapshotsPage,
        items: (page) => page.snapshots,
        next: (page) => nextLink(page.snapshots_links)
      }
    )
  })

  /** Sets these metadata pairs on the snapshot (`POST …/metadata` merges: other keys stay). */
  const setSnapshotMetadata = Effect.fn("Cinder.setSnapshotMetadata")(function* (
    id: string,
    metadata: Readonly<Record<string, string>>
  ) {
    yield* api.discard({ method: "POST", path: `${path(id)}/metadata`, json: { metadata } })
  })

  const deleteSnapshot = Effect.fn("Cinder.deleteSnapshot")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: path(id) })
  })

  /** The project's snapshot and gigabyte limits and what it uses of them. */
  const getLimits = Effect.fn("Cinder.getLimits")(function* () {
    return (yield* api.json({ method: "GET", path: "limits" }, LimitsBody)).limits.absolute
  })

  /** A snapshot in an error state: Cinder's newest message about it, if any. */
  const snapshotFailure = (snapshot: Snapshot) =>
    api
      .json(
        {
          method: "GET",
          path: "messages",
          query: { resource_uuid: snapshot.id, sort: "created_at:desc" }
        },
        Schema.Struct({ messages: Schema.Array(Schema.Struct({ user_message: Schema.String })) })
      )
      .pipe(
        Effect.map((body) => body.messages[0]?.user_message),
        Effect.orElseSucceed(() => undefined),
        Effect.flatMap((reason) =>
          Effect.fail(
            new OpenStackResourceFailed({
              service: cinder,
              resource: "snapshot",
              resourceId: snapshot.id,
              resourceStatus: snapshot.status,
              message: reason ?? `snapshot ${snapshot.id} went to ${snapshot.status}`
            })
          )
        )
      )

  /** Waits for `available`; a snapshot in `error` fails with Cinder's message about it. */
  const waitForSnapshotAvailable = Effect.fn("Cinder.waitForSnapshotAvailable")(function* (
    id: string,
    options?: WaitOptions
  ) {
    const seen = yield* waitFor(
      {
        service: cinder,
        resource: "snapshot",
        id,
        target: "available",
        poll: findSnapshot(id),
        status: (snapshot: Snapshot) => snapshot.status,
        isDone: (seen) => Option.exists(seen, (snapshot) => snapshot.status === "available"),
        failure: (snapshot: Snapshot) =>
          snapshot.status === "error" ? Option.some(snapshotFailure(snapshot)) : Option.none()
      },
      options
    )
    return yield* Option.match(seen, {
      onNone: () =>
        Effect.fail(new OpenStackNotFound({ service: cinder, message: `snapshot ${id} disappeared` })),
      onSome: Effect.succeed
    })
  })

  /** Waits until the snapshot is gone; `error_deleting` fails with Cinder's message. */
  const waitForSnapshotDeleted = Effect.fn("Cinder.waitForSnapshotDeleted")(function* (
    id: string,
    options?: WaitOptions
  ) {
    yield* waitFor(
      {
        service: cinder,
        resource: "snapshot",
        id,
        target: "deleted",
        poll: findSnapshot(id),
        status: (snapshot: Snapshot) => snapshot.status,
        isDone: Option.isNone,
        failure: (snapshot: Snapshot) =>
          snapshot.status === "error_deleting" ? Option.some(snapshotFailure(snapshot)) : Option.none()
      },
      options
    )
  })

  /**
   * Waits until the snapshot's owner may delete it: no longer `creating` (Cinder refuses to delete it
   * then), or already `deleting`, or gone. Returns the last look: none when it is gone.
   */
  const waitForSnapshotDeletable = Effect.fn("Cinder.waitForSnapshotDeletable")(function* (
    id: string,
    options?: WaitOptions
  ) {
    return yield* waitFor(
      {
        service: cinder,
        resource: "snapshot",
        id,
        target: "deletable",
        poll: findSnapshot(id),
        status: (snapshot: Snapshot) => snapshot.status,
        isDone: (seen) => Option.match(seen, { onNone: () => true, onSome: (s) => s.status !== "creating" }),
        failure: () => Option.none()
      },
      options
    )
  })

  return {
    createSnapshot,
    waitForSnapshotDeletable,
    getSnapshot,
    findSnapshot,
    listSnapshots,
    deleteSnapshot,
    setSnapshotMetadata,
    getLimits,
    waitForSnapshotAvailable,
    waitForSnapshotDeleted
  }
}
