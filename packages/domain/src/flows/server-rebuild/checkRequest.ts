import {
  Cinder,
  Glance,
  microversionAtLeast,
  Nova,
  volumeBackedRebuildMicroversion
} from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { cloudUnavailable, isBootDevice, usableServer } from "../cloud/servers.js"
import {
  ImageNotFound,
  RebuildNotOffered,
  RebuildRequestUnresolved,
  ServerNotVolumeBacked
} from "./errors.js"
import { RebuildPath, type RebuildRequest } from "./request.js"

/** The volume API microversion with Cinder's reimage (`os-reimage`), which Nova's 2.93 rebuild needs. */
const reimageMicroversion = "3.68"

/** The caller's server, ACTIVE or SHUTOFF, booted from a volume; with that volume's id. */
export const rebuildableServer = Effect.fn("ServerRebuild.rebuildableServer")(function* (serverId: string) {
  const server = yield* usableServer(serverId)
  const attachments = server.image === "" ? yield* Nova.listVolumeAttachments(server.id) : []
  const boot = attachments.find((a) => isBootDevice(server, a.device))
  if (boot === undefined) return yield* new ServerNotVolumeBacked({ serverId: server.id })
  return { server, bootVolumeId: boot.volumeId }
})

/** The image, visible to the caller and active. */
export const activeImage = Effect.fn("ServerRebuild.activeImage")(function* (image: string) {
  const found = yield* Glance.findImage(image).pipe(
    Effect.catchTags({
      OpenStackNotFound: () => Effect.fail(new ImageNotFound({ image })),
      OpenStackConflict: () => Effect.fail(new ImageNotFound({ image, status: "named twice" }))
    })
  )
  if (found.status !== "active") return yield* new ImageNotFound({ image, status: found.status })
  return found
})

/**
 * Which way the cloud can rebuild a volume-backed server, from the versions it offers: Nova's own rebuild
 * (compute 2.93, volume 3.68), else by replacement.
 */
export const choosePath = Effect.gen(function* () {
  const compute = yield* Nova.microversion
  const volume = yield* Cinder.microversion
  const path: RebuildPath =
    microversionAtLeast(compute, volumeBackedRebuildMicroversion) &&
    microversionAtLeast(volume, reimageMicroversion)
      ? "rebuild"
      : "replace"
  return { path, compute: compute ?? null, volume: volume ?? null }
})

export const RebuildPlan = Schema.Struct({
  server_id: Schema.String,
  image_id: Schema.String,
  boot_volume_id: Schema.String,
  path: RebuildPath,
  /** Where the rebuild is to leave the server: as it was, running or stopped. */
  status: Schema.Literal("ACTIVE", "SHUTOFF")
})
export type RebuildPlan = typeof RebuildPlan.Type

/**
 * Checks, before anything changes: the server is the caller's, ACTIVE or SHUTOFF, booted from a volume;
 * the image exists and is active; the keypair exists. Decides the path from the cloud's versions (this
 * version of the flow has only Nova's rebuild, and fails when the cloud does not offer it). Creates nothing.
 */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: RebuildPlan,
  run: Effect.fn("ServerRebuild.checkRequest")(function* (request: RebuildRequest) {
    const { server, bootVolumeId } = yield* rebuildableServer(request.server_id)
    const image = yield* activeImage(request.image)
    if (request.keypair !== undefined) {
      const name = request.keypair
      yield* Nova.getKeypair(name).pipe(
        Effect.catchTag("OpenStackNotFound", () =>
          Effect.fail(new RebuildRequestUnresolved({ problems: [`keypair ${name} not found`] }))
        )
      )
    }
    const chosen = yield* choosePath
    if (chosen.path === "replace") {
      return yield* new RebuildNotOffered({ compute: chosen.compute, volume: chosen.volume })
    }
    const plan: RebuildPlan = {
      server_id: server.id,
      image_id: image.id,
      boot_volume_id: bootVolumeId,
      path: chosen.path,
      status: server.status === "SHUTOFF" ? "SHUTOFF" : "ACTIVE"
    }
    return plan
  })
})

/**
 * Admission, with the caller's own token before the 202: the server is the caller's (404) and ACTIVE or
 * SHUTOFF (409), the image exists (404 naming it), the server boots from a volume (409).
 */
export const admission = (request: RebuildRequest) =>
  Effect.zipRight(rebuildableServer(request.server_id), activeImage(request.image)).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
        case "ImageNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "ServerNotReady":
        case "ServerNotVolumeBacked":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether server ${request.server_id} can be rebuilt`, error))
      }
    })
  )
