import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class VolumeNotAttached extends Schema.TaggedError<VolumeNotAttached>()(
  "VolumeNotAttached",
  { serverId: Schema.String, volumeId: Schema.String },
  { description: "The volume is not attached to the server" }
) {
  readonly code = ErrorCode.volumeNotAttached
  override get message(): string {
    return `volume ${this.volumeId} is not attached to server ${this.serverId}`
  }
}

export class BootVolumeRefused extends Schema.TaggedError<BootVolumeRefused>()(
  "BootVolumeRefused",
  { serverId: Schema.String, volumeId: Schema.String },
  { description: "The volume is the server's boot volume" }
) {
  readonly code = ErrorCode.volumeIsBootVolume
  override get message(): string {
    return `volume ${this.volumeId} is the boot volume of server ${this.serverId}: it cannot be detached (deleting the server removes it)`
  }
}
