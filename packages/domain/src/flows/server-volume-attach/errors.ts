import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** Something the request names (an image, a snapshot, a volume type) does not exist or cannot be used. */
export class AttachRequestUnresolved extends Schema.TaggedError<AttachRequestUnresolved>()(
  "AttachRequestUnresolved",
  { problems: Schema.Array(Schema.String) },
  { description: "The request names something that does not exist or cannot be used" }
) {
  readonly code = ErrorCode.serverRequestUnresolved
  override get message(): string {
    return this.problems.join("; ")
  }
}

/** The existing volume to attach is not the caller's, or does not exist. */
export class VolumeNotFound extends Schema.TaggedError<VolumeNotFound>()(
  "VolumeNotFound",
  { volumeId: Schema.String },
  { description: "The volume does not exist (or is not the caller's project's)" }
) {
  readonly code = ErrorCode.volumeNotFound
  override get message(): string {
    return `volume ${this.volumeId} not found`
  }
}

/** The existing volume to attach is attached already, or busy. */
export class VolumeNotAvailable extends Schema.TaggedError<VolumeNotAvailable>()(
  "VolumeNotAvailable",
  { volumeId: Schema.String, status: Schema.String, attachedTo: Schema.Array(Schema.String) },
  { description: "The volume is not available" }
) {
  readonly code = ErrorCode.volumeNotAvailable
  override get message(): string {
    return this.attachedTo.length > 0
      ? `volume ${this.volumeId} is attached to server ${this.attachedTo.join(", ")} already`
      : `volume ${this.volumeId} is ${this.status}, not available`
  }
}
