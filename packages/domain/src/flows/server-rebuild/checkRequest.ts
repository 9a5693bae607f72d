import {
  Cinder,
  Glance,
  microversionAtLeast,
  Nova,
  type Server,
  type ServerVolumeAttachment,
  volumeBackedRebuildMicroversion
} from "@enamel/openstack-clients"
import { Effect, Record, Schema } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { rebuildTokenKey } from "../cloud/marks.js"
import { cloudUnavailable, isBootDevice, usableServer } from "../cloud/servers.js"
import {
  ImageNotFound,
  RebuildRequestUnresolved,
  ServerNotVolumeBacked,
  VolumeDeletedOnTermination
} from "./errors.js"
import { RebuildPath, type RebuildRequest } from "./request.js"

/** The volume API microversion with Cinder's reimage (`os-reimage`), which Nova's 2.93 rebuild needs. */
const reimageMicroversion = "3.68"

/** The compute microversion from which a server's owner may change delete_on_termination of its volumes. */
const keepVolumesMicroversion = "2.85"

/** The caller's server, ACTIVE or SHUTOFF, booted from a volume; with its volume attachments. */
export const rebuildableServer = Effect.fn("ServerRebuild.rebuildableServer")(function* (serverId: string) {
  const server = yield* usableServer(serverId)
  const attachments = server.image === "" ? yield* Nova.listVolumeAttachments(server.id) : []
  const boot = attachments.find((a) => isBootDevice(server, a.device))
  if (boot === undefined) return yield* new ServerNotVolumeBacked({ serverId: server.id })
  return { server, bootVolumeId: boot.volumeId, attachments }
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

/** Whether the caller has the keypair. */
const hasKeypair = (name: string) =>
  Nova.getKeypair(name).pipe(
    Effect.as(true),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeed(false))
  )

/**
 * What every version checks first: the server is the caller's, ACTIVE or SHUTOFF, booted from a volume;
 * the image exists and is active; the keypair asked for exists. With the path the cloud's versions allow.
 */
export const checkedRequest = Effect.fn("ServerRebuild.checkedRequest")(function* (request: RebuildRequest) {
  const keypair = request.keypair
  // Read at once; a failure is the first in this order, whichever answer came first.
  const [found, image, keypairFound, chosen] = yield* Effect.all(
    [
      rebuildableServer(request.server_id),
      activeImage(request.image),
      keypair === undefined ? Effect.succeed(true) : hasKeypair(keypair),
      choosePath
    ],
    { concurrency: "unbounded", mode: "either" }
  )
  const server = yield* found
  const imageFound = yield* image
  if (!(yield* keypairFound)) {
    return yield* new RebuildRequestUnresolved({ problems: [`keypair ${keypair} not found`] })
  }
  return { ...server, image: imageFound, chosen: yield* chosen }
})

/** A volume of the old server, and whether Nova was to delete it with the server. */
export const KeptVolume = Schema.Struct({ id: Schema.String, delete_on_termination: Schema.Boolean })
export type KeptVolume = typeof KeptVolume.Type

/**
 * The server being replaced, as the new one is to be: everything Nova needs to boot it again (from a new
 * root, or, by the undo, from its old one) on the same ports with the same volumes.
 */
export const ReplacedServer = Schema.Struct({
  server_id: Schema.String,
  name: Schema.String,
  flavor_id: Schema.String,
  /** Its keypair, or null when it has none (or the keypair is gone). */
  key_name: Schema.NullOr(Schema.String),
  availability_zone: Schema.NullOr(Schema.String),
  /** Its metadata, Enamel's marks among them (an earlier rebuild's own mark left out). */
  metadata: Schema.Record({ key: Schema.String, value: Schema.String }),
  tags: Schema.Array(Schema.String),
  /** Its ports, in Nova's order (the NICs' order in the guest). */
  port_ids: Schema.Array(Schema.String),
  boot_volume: Schema.Struct({
    ...KeptVolume.fields,
    size_gb: Schema.Number,
    volume_type: Schema.NullOr(Schema.String)
  }),
  /** Its other volumes, by device (`/dev/vdb`, `/dev/vdc`, …). */
  data_volumes: Schema.Array(KeptVolume)
})
export type ReplacedServer = typeof ReplacedServer.Type

export const RebuildPlan = Schema.Struct({
  server_id: Schema.String,
  image_id: Schema.String,
  boot_volume_id: Schema.String,
  path: RebuildPath,
  /** Where the rebuild is to leave the server: as it was, running or stopped. */
  status: Schema.Literal("ACTIVE", "SHUTOFF"),
  /** On the `replace` path: the server to replace. */
  replace: Schema.optional(ReplacedServer)
})
export type RebuildPlan = typeof RebuildPlan.Type

/** The server as its replacement is to be booted; refused when deleting it would take a volume along. */
const describeReplaced = Effect.fn("ServerRebuild.describeReplaced")(function* (
  server: Server,
  bootVolumeId: string,
  attachments: ReadonlyArray<ServerVolumeAttachment>,
  compute: string | null
) {
  const deletedWithIt = server.volumesAttached.filter((v) => v.deleteOnTermination).map((v) => v.id)
  if (deletedWithIt.length > 0 && !microversionAtLeast(compute ?? undefined, keepVolumesMicroversion)) {
    return yield* new VolumeDeletedOnTermination({ serverId: server.id, volumeIds: deletedWithIt, compute })
  }
  const flavorName = server.flavor?.originalName ?? server.flavor?.id ?? ""
  const [interfaces, root, flavor, keyExists] = yield* Effect.all(
    [
      Nova.listInterfaces(server.id),
      Cinder.getVolume(bootVolumeId),
      Nova.findFlavor(flavorName),
      server.keyName === null ? Effect.succeed(false) : hasKeypair(server.keyName)
    ],
    { concurrency: "unbounded" }
  )
  const kept = (id: string): KeptVolume => ({
    id,
    delete_on_termination: deletedWithIt.includes(id)
  })
  const replaced: ReplacedServer = {
    server_id: server.id,
    name: server.name,
    flavor_id: flavor.id,
    key_name: keyExists ? server.keyName : null,
    availability_zone: server.availabilityZone ?? null,
    metadata: Record.remove(server.metadata, rebuildTokenKey),
    tags: server.tags,
    port_ids: interfaces.map((i) => i.portId),
    boot_volume: { ...kept(root.id), size_gb: root.size, volume_type: root.volumeType },
    data_volumes: attachments
      .filter((a) => a.volumeId !== bootVolumeId)
      .sort((a, b) => (a.device ?? "").localeCompare(b.device ?? ""))
      .map((a) => kept(a.volumeId))
  }
  return replaced
})

/** What `checkRequest` checks and decides (a dry run's plan asks the same). Creates nothing. */
export const rebuildPlan = Effect.fn("ServerRebuild.rebuildPlan")(function* (request: RebuildRequest) {
  const { server, bootVolumeId, attachments, image, chosen } = yield* checkedRequest(request)
  const replace =
    chosen.path === "replace"
      ? yield* describeReplaced(server, bootVolumeId, attachments, chosen.compute)
      : undefined
  if (
    replace !== undefined &&
    replace.key_name === null &&
    request.keypair === undefined &&
    server.keyName !== null
  ) {
    return yield* new RebuildRequestUnresolved({
      problems: [`the server's keypair ${server.keyName} is gone; name one to boot the new server with`]
    })
  }
  const plan: RebuildPlan = {
    server_id: server.id,
    image_id: image.id,
    boot_volume_id: bootVolumeId,
    path: chosen.path,
    status: server.status === "SHUTOFF" ? "SHUTOFF" : "ACTIVE",
    ...(replace === undefined ? {} : { replace })
  }
  return plan
})

/**
 * Checks, before anything changes: the server is the caller's, ACTIVE or SHUTOFF, booted from a volume;
 * the image exists and is active; the keypair exists. Decides the path from the cloud's versions, once:
 * the stored plan holds it, so a resumed task takes the same path. On the `replace` path it also records
 * the server as it is (name, flavor, metadata and marks, keypair, ports, volumes), from which the new
 * server is booted and the undo boots the old root again. Creates nothing.
 */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: RebuildPlan,
  run: Effect.fn("ServerRebuild.checkRequest")(function* (request: RebuildRequest) {
    return yield* rebuildPlan(request)
  })
})

/**
 * Admission, with the caller's own token before the 202: the server is the caller's (404) and ACTIVE or
 * SHUTOFF (409), the image exists (404 naming it), the server boots from a volume (409).
 */
export const admission = (request: RebuildRequest) =>
  Effect.all([rebuildableServer(request.server_id), activeImage(request.image)], {
    concurrency: "unbounded",
    mode: "either"
  }).pipe(
    // Read at once; the server's refusal first, whichever answer came first.
    Effect.flatMap(([server, image]) => Effect.zipRight(server, image)),
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
