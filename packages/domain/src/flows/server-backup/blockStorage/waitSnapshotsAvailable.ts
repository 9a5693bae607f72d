import { Cinder } from "@enamel/openstack-clients"
import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import { SnapshotSet } from "./createSnapshots.js"

/**
 * Waits until every snapshot of the set is `available` (the set is complete); one in `error` fails with
 * Cinder's reason, and `createSnapshots`' undo then deletes the whole set. Creates nothing.
 */
export const waitSnapshotsAvailable = CloudStage.make({
  name: "waitSnapshotsAvailable",
  result: SnapshotSet,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerBackup.waitSnapshotsAvailable")(function* (set: SnapshotSet) {
    yield* Effect.forEach(
      set.snapshots,
      (snapshot) => Cinder.waitForSnapshotAvailable(snapshot.snapshot_id),
      {
        concurrency: "unbounded",
        discard: true
      }
    )
    return set
  })
})
