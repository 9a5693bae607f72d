import { Cinder } from "@enamel/openstack-clients"
import { Array as Arr, Clock, Effect, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { backupMetadataMarks, tokenKey } from "../../cloud/marks.js"
import { removeSnapshot } from "../../cloud/remove.js"
import type { BackupPlan } from "../chooseVolumes.js"
import type { ChosenVolume } from "../request.js"
import { BackupSnapshot } from "../request.js"

/** The snapshots of one backup set, as `createSnapshots` made them. */
export const SnapshotSet = Schema.Struct({
  server_id: Schema.String,
  backup_id: Schema.String,
  snapshots: Schema.Array(BackupSnapshot)
})
export type SnapshotSet = typeof SnapshotSet.Type

/** Every snapshot this stage made (they carry its token), and those named: deleted, and waited until gone. */
const removeSnapshotsOfStage = (token: string, known: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const marked = yield* Cinder.listSnapshots({ metadata: { [tokenKey]: token } })
    const ids = new Set([...known, ...marked.map((snapshot) => snapshot.id)])
    yield* Effect.forEach(ids, removeSnapshot, { concurrency: "unbounded", discard: true })
  })

/** The snapshot of one volume: the one an earlier attempt made (found by the token), or a new one. */
const snapshotOf = (plan: BackupPlan, volume: ChosenVolume, context: StageContext, takenAt: string) => {
  const token = context.idempotencyToken
  return adoptOrCreate(
    context,
    Effect.map(
      Cinder.listSnapshots({ metadata: { [tokenKey]: token }, volumeId: volume.volume_id }),
      Arr.head
    ),
    Cinder.createSnapshot({
      volumeId: volume.volume_id,
      name: plan.name,
      // The volumes are attached (`in-use`): Cinder snapshots those only when forced.
      force: true,
      metadata: backupMetadataMarks(context.taskId, token, {
        serverId: plan.server_id,
        backupId: plan.backup_id,
        device: volume.device,
        takenAt
      })
    })
  ).pipe(
    Effect.map(
      (snapshot): BackupSnapshot => ({
        volume_id: volume.volume_id,
        snapshot_id: snapshot.id,
        device: volume.device
      })
    )
  )
}

/**
 * Creates: a Cinder snapshot of each chosen volume, asked for together (one set), marked with the server,
 * the set's id and the time (the backup marks) beside the task and the stage's token; a later attempt
 * adopts the snapshots an earlier one made instead of making more. When a snapshot cannot be made, the ones this
 * stage made are deleted before it fails, so a set is never left half made. Undo: deletes the set's
 * snapshots (once Cinder allows: not while one is still being made) and waits until they are gone.
 */
export const createSnapshots = CloudStage.make({
  name: "createSnapshots",
  result: SnapshotSet,
  run: Effect.fn("ServerBackup.createSnapshots")(function* (plan: BackupPlan, context: StageContext) {
    const takenAt = new Date(yield* Clock.currentTimeMillis).toISOString()
    const made = yield* Effect.forEach(
      plan.volumes,
      (volume) => Effect.either(snapshotOf(plan, volume, context, takenAt)),
      {
        concurrency: "unbounded"
      }
    )
    const [failure] = Arr.getLefts(made)
    if (failure !== undefined) {
      yield* removeSnapshotsOfStage(
        context.idempotencyToken,
        Arr.getRights(made).map((snapshot) => snapshot.snapshot_id)
      )
      return yield* Effect.fail(failure)
    }
    const set: SnapshotSet = {
      server_id: plan.server_id,
      backup_id: plan.backup_id,
      snapshots: Arr.getRights(made)
    }
    return set
  }),
  compensate: (set, context) =>
    removeSnapshotsOfStage(
      context.idempotencyToken,
      set.snapshots.map((snapshot) => snapshot.snapshot_id)
    )
})
