import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** The image to rebuild from does not exist, is not visible to the caller, or is not active. */
export class ImageNotFound extends Schema.TaggedError<ImageNotFound>()(
  "ImageNotFound",
  { image: Schema.String, status: Schema.optional(Schema.String) },
  { description: "The image does not exist (or is not visible to the caller), or is not active" }
) {
  readonly code = ErrorCode.imageNotFound
  override get message(): string {
    return this.status === undefined
      ? `image ${this.image} not found`
      : `image ${this.image} is ${this.status}, not active`
  }
}

/** The server boots from an image on the compute host, not from a volume: Enamel rebuilds only the latter. */
export class ServerNotVolumeBacked extends Schema.TaggedError<ServerNotVolumeBacked>()(
  "ServerNotVolumeBacked",
  { serverId: Schema.String },
  { description: "The server does not boot from a volume" }
) {
  readonly code = ErrorCode.serverNotVolumeBacked
  override get message(): string {
    return `server ${this.serverId} does not boot from a volume; only volume-backed servers are rebuilt`
  }
}

/** Something the request names besides the image (its keypair) does not exist. */
export class RebuildRequestUnresolved extends Schema.TaggedError<RebuildRequestUnresolved>()(
  "RebuildRequestUnresolved",
  { problems: Schema.Array(Schema.String) },
  { description: "The request names something that does not exist or cannot be used" }
) {
  readonly code = ErrorCode.serverRequestUnresolved
  override get message(): string {
    return this.problems.join("; ")
  }
}

/**
 * The cloud offers no rebuild of a volume-backed server (Nova 2.93 with Cinder's volume API 3.68), and
 * version 1 of the flow (tasks accepted before version 2) does not rebuild by replacement.
 */
export class RebuildNotOffered extends Schema.TaggedError<RebuildNotOffered>()(
  "RebuildNotOffered",
  { compute: Schema.NullOr(Schema.String), volume: Schema.NullOr(Schema.String) },
  { description: "The cloud cannot rebuild a volume-backed server" }
) {
  readonly code = ErrorCode.serverRebuildNotOffered
  override get message(): string {
    return (
      `the cloud offers compute ${this.compute ?? "without microversions"} and volume ` +
      `${this.volume ?? "without microversions"}; a volume-backed server is rebuilt with compute 2.93 and ` +
      "volume 3.68 (Cinder's reimage), and this task's flow (server.rebuild version 1) does not rebuild by " +
      "replacement"
    )
  }
}

/** Cinder's quota does not allow the new root volume that rebuilding by replacement makes. */
export class RebuildOverQuota extends Schema.TaggedError<RebuildOverQuota>()(
  "RebuildOverQuota",
  { quota: Schema.String, limit: Schema.Number, used: Schema.Number, needed: Schema.Number },
  { description: "The project's quota does not allow the new root volume" }
) {
  readonly code = ErrorCode.rebuildOverQuota
  override get message(): string {
    return (
      `quota ${this.quota} exceeded: rebuilding by replacement needs ${this.needed} more for the new root ` +
      `volume, the project uses ${this.used} of its ${this.limit}`
    )
  }
}

/**
 * A volume of the server is deleted with it (delete_on_termination), and the cloud's Nova is older than
 * 2.85, which lets the owner change that: deleting the server to replace it would delete the volume.
 */
export class VolumeDeletedOnTermination extends Schema.TaggedError<VolumeDeletedOnTermination>()(
  "VolumeDeletedOnTermination",
  { serverId: Schema.String, volumeIds: Schema.Array(Schema.String), compute: Schema.NullOr(Schema.String) },
  { description: "Replacing the server would delete a volume with it" }
) {
  readonly code = ErrorCode.rebuildVolumeDeletedOnTermination
  override get message(): string {
    return (
      `server ${this.serverId}'s volumes ${this.volumeIds.join(", ")} are deleted with it, and Nova at ` +
      `compute ${this.compute ?? "without microversions"} (before 2.85) cannot change that; rebuilding by ` +
      "replacement deletes the server, so nothing was changed"
    )
  }
}
