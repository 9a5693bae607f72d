import { Cinder, Nova } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { requestServerDelete } from "../../cloud/remove.js"
import { ReplacedServer } from "../checkRequest.js"
import { moveServerMarks } from "../ownership.js"
import { bootOnVolumes, findBooted } from "./bootOnVolumes.js"

/**
 * Nova deletes none of the server's volumes with it: delete_on_termination off where it was on (2.85;
 * `checkRequest` refused older clouds then). Skipped once Nova is deleting the server (a re-run).
 */
const keepVolumes = Effect.fn("ServerRebuild.keepVolumes")(function* (server: ReplacedServer) {
  const seen = yield* Nova.getServer(server.server_id).pipe(
    Effect.asSome,
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
  )
  if (Option.isNone(seen) || seen.value.taskState === "deleting") return
  const deletedWithIt = [server.boot_volume, ...server.data_volumes].filter((v) => v.delete_on_termination)
  yield* Effect.forEach(
    deletedWithIt,
    (volume) => Nova.setDeleteOnTermination(server.server_id, volume.id, false),
    { discard: true }
  )
})

/**
 * The undo: once the old server is gone and its volumes are let go of (the new server's undo ran first),
 * boots its old root again with its other volumes, on its ports (whose floating IPs stayed on them), as
 * it was (name, flavor, metadata and marks, keypair, delete_on_termination), waits until it is ACTIVE, and
 * moves the old server's marks to it.
 */
const restoreOldServer = Effect.fn("ServerRebuild.restoreOldServer")(function* (
  server: ReplacedServer,
  context: StageContext
) {
  // A re-run (after a crash) takes the server an earlier attempt booted: its volumes are in use by it.
  const earlier = context.attempt > 1 ? yield* findBooted(server, context) : Option.none()
  const restored = Option.isSome(earlier)
    ? earlier.value.id
    : yield* Effect.gen(function* () {
        yield* Nova.waitForServerDeleted(server.server_id)
        yield* Effect.forEach(
          [server.boot_volume, ...server.data_volumes],
          (volume) => Cinder.waitForVolumeAvailable(volume.id),
          { concurrency: "unbounded", discard: true }
        )
        return yield* bootOnVolumes(
          {
            server,
            root: server.boot_volume,
            volumes: server.data_volumes,
            keyName: server.key_name,
            userData: undefined
          },
          context
        )
      })
  yield* Nova.waitForServerActive(restored)
  yield* moveServerMarks(server.server_id, restored)
})

/**
 * Deletes: the old server, keeping everything it stands on. Its ports stay (they were given to Nova by id,
 * so Nova only unbinds them; Enamel's are made by Enamel), and their floating IPs with them; its volumes
 * stay (delete_on_termination turned off first). Does not wait (`waitServerDeleted` does). Undo, until
 * the old root is deleted: boots the old root again on the same ports and volumes, so the server runs
 * again with its addresses (under a new id, carrying the old one's marks).
 */
export const deleteOldServer = CloudStage.make({
  name: "deleteOldServer",
  result: ReplacedServer,
  run: Effect.fn("ServerRebuild.deleteOldServer")(function* (server: ReplacedServer) {
    yield* keepVolumes(server)
    yield* requestServerDelete(server.server_id)
    return server
  }),
  compensate: restoreOldServer
})
