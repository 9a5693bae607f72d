/**
 * A snapshot of the caller's that a new volume is made from (a restore: a boot volume in `server.create`,
 * a data volume in `server.volume.attach`): it must be the caller's (Cinder is asked with the caller's
 * own session), `available`, and no larger than the volume asked for. Read by the flows' first stage,
 * and by the commands' admission before the 202.
 */
import { Cinder } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { cloudUnavailable } from "./servers.js"

export class SnapshotNotFound extends Schema.TaggedError<SnapshotNotFound>()(
  "SnapshotNotFound",
  { snapshotId: Schema.String },
  { description: "The snapshot does not exist (or is not the caller's project's)" }
) {
  readonly code = ErrorCode.snapshotNotFound
  override get message(): string {
    return `snapshot ${this.snapshotId} not found`
  }
}

export class SnapshotNotAvailable extends Schema.TaggedError<SnapshotNotAvailable>()(
  "SnapshotNotAvailable",
  { snapshotId: Schema.String, status: Schema.String },
  { description: "The snapshot is not available" }
) {
  readonly code = ErrorCode.snapshotNotAvailable
  override get message(): string {
    return `snapshot ${this.snapshotId} is ${this.status}, not available`
  }
}

export class VolumeSmallerThanSnapshot extends Schema.TaggedError<VolumeSmallerThanSnapshot>()(
  "VolumeSmallerThanSnapshot",
  { snapshotId: Schema.String, sizeGb: Schema.Number, snapshotGb: Schema.Number },
  { description: "size_gb is smaller than the snapshot the volume is made from" }
) {
  readonly code = ErrorCode.volumeSmallerThanSnapshot
  override get message(): string {
    return (
      `size_gb ${this.sizeGb} is smaller than snapshot ${this.snapshotId} (${this.snapshotGb} GiB); ` +
      "leave size_gb out to take the snapshot's size"
    )
  }
}

/** The caller's snapshot, `available`, and no larger than `sizeGb` when a size is asked for. */
export const usableSnapshot = Effect.fn("Enamel.usableSnapshot")(function* (
  snapshotId: string,
  sizeGb: number | undefined
) {
  const snapshot = yield* Cinder.getSnapshot(snapshotId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new SnapshotNotFound({ snapshotId })))
  )
  if (snapshot.status !== "available") {
    return yield* new SnapshotNotAvailable({ snapshotId, status: snapshot.status })
  }
  if (sizeGb !== undefined && sizeGb < snapshot.size) {
    return yield* new VolumeSmallerThanSnapshot({ snapshotId, sizeGb, snapshotGb: snapshot.size })
  }
  return snapshot
})

/** Admission: the snapshot is the caller's (404), available (409) and fits the size asked for (409). */
export const admitUsableSnapshot = (snapshotId: string, sizeGb: number | undefined) =>
  usableSnapshot(snapshotId, sizeGb).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "SnapshotNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "SnapshotNotAvailable":
        case "VolumeSmallerThanSnapshot":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether snapshot ${snapshotId} exists`, error))
      }
    })
  )

/** The same check inside a flow's first stage: a refusal is one of the request's problems. */
export const snapshotOrProblem = <P>(
  snapshotId: string,
  sizeGb: number | undefined,
  problem: (text: string) => P
) => {
  const refused = (error: SnapshotNotFound | SnapshotNotAvailable | VolumeSmallerThanSnapshot) =>
    Effect.fail(problem(error.message))
  return usableSnapshot(snapshotId, sizeGb).pipe(
    Effect.catchTags({
      SnapshotNotFound: refused,
      SnapshotNotAvailable: refused,
      VolumeSmallerThanSnapshot: refused
    })
  )
}
