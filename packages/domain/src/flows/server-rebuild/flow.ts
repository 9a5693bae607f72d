/**
 * `server.rebuild` version 2, the one new tasks get: the flow behind `POST /servers/{id}/rebuild`. Its
 * first stage decides the path from the cloud's versions (stored with its plan, so a resumed task takes
 * the same path): Nova's own rebuild where the cloud offers compute 2.93 and Cinder's reimage, else
 * rebuilding by replacement. Frozen once released: a change makes version 3 beside it (see the package
 * README). Version 1 (`v1/flow.ts`) rebuilt only the first way.
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createBootVolume } from "../server-create/blockStorage/createBootVolume.js"
import { waitVolumeAvailable } from "../server-create/blockStorage/waitVolumeAvailable.js"
import { waitServerActive } from "../server-create/compute/waitServerActive.js"
import { waitServerDeleted } from "../server-delete/waitServerDeleted.js"
import { checkVolumeQuota } from "./blockStorage/checkVolumeQuota.js"
import { deleteOldBootVolume } from "./blockStorage/deleteOldBootVolume.js"
import { checkRequest, type ReplacedServer } from "./checkRequest.js"
import { bootNewServer } from "./compute/bootNewServer.js"
import { deleteOldServer } from "./compute/deleteOldServer.js"
import { rebuildServer } from "./compute/rebuildServer.js"
import { waitServerRebuilt } from "./compute/waitServerRebuilt.js"
import { remarkResources } from "./remarkResources.js"
import {
  RebuildRequest as Params,
  type RebuildRequest,
  type RebuildResult,
  RebuildResult as Result,
  type
} from "./request.js"

/** Nova rebuilds the server from the image (Cinder reimages its root volume) → wait until it is back. */
const rebuildInPlace = (
  request: RebuildRequest,
  plan: { readonly server_id: string; readonly image_id: string }
) =>
  Effect.gen(function* () {
    const rebuilding = yield* Flow.stage(rebuildServer, {
      plan,
      keypair: request.keypair,
      userData: request.user_data
    })
    yield* Flow.stage(waitServerRebuilt, rebuilding)
  })

/**
 * A new root from the image → the old server deleted, keeping its ports, floating IPs and volumes → a new
 * server like it on the new root → ACTIVE → the old server's marks moved to it → the old root deleted
 * (kept when backups depend on it). Until the old root is deleted, a failure boots it again on the same
 * ports (the undo of `deleteOldServer`), after the new server and the new root are removed.
 */
const replace = (request: RebuildRequest, imageId: string, old: ReplacedServer) =>
  Effect.gen(function* () {
    yield* Flow.stage(checkVolumeQuota, old.boot_volume.size_gb)
    const volume = yield* Flow.stage(createBootVolume, {
      serverName: old.name,
      source: { _tag: "image", image_id: imageId },
      sizeGb: old.boot_volume.size_gb,
      volumeTypeId: old.boot_volume.volume_type ?? undefined
    })
    yield* Flow.stage(waitVolumeAvailable, volume)
    yield* Flow.stage(deleteOldServer, old)
    yield* Flow.stage(waitServerDeleted, old.server_id)
    const server = yield* Flow.stage(bootNewServer, {
      server: old,
      bootVolumeId: volume.id,
      keypair: request.keypair,
      userData: request.user_data
    })
    yield* Flow.stage(waitServerActive, server)
    yield* Flow.stage(remarkResources, {
      previousServerId: old.server_id,
      serverId: server.id,
      bootVolumeId: volume.id
    })
    const oldRoot = yield* Flow.stage(deleteOldBootVolume, old.boot_volume.id)
    const result: RebuildResult = {
      server_id: server.id,
      path: "replace",
      boot_volume_id: volume.id,
      previous_server_id: old.server_id,
      ...(oldRoot.kept ? { kept_volume_id: oldRoot.volume_id } : {})
    }
    return result
  })

export const flow = Flow.make({
  type,
  version: 2,
  params: Params,
  result: Result,
  stages: {
    checkRequest,
    rebuildServer,
    waitServerRebuilt,
    checkVolumeQuota,
    createBootVolume,
    waitVolumeAvailable,
    deleteOldServer,
    waitServerDeleted,
    bootNewServer,
    waitServerActive,
    remarkResources,
    deleteOldBootVolume
  },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's, running or stopped, booted from a volume; the image and keypair
      //    exist; the cloud's versions say how it can be rebuilt (and, to replace it, how it is now).
      const plan = yield* Flow.stage(checkRequest, request)
      // 2a. Nova's rebuild: the same server and root volume.
      if (plan.replace === undefined) {
        yield* rebuildInPlace(request, plan)
        const result: RebuildResult = {
          server_id: plan.server_id,
          path: "rebuild",
          boot_volume_id: plan.boot_volume_id
        }
        return result
      }
      // 2b. By replacement: a new server on a new root, with the same ports, addresses and volumes.
      return yield* replace(request, plan.image_id, plan.replace)
    })
})
