import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** The flavor asked for does not exist, or the caller's project may not use it. */
export class FlavorNotFound extends Schema.TaggedError<FlavorNotFound>()(
  "FlavorNotFound",
  { flavor: Schema.String },
  { description: "The flavor does not exist (or the caller's project may not use it)" }
) {
  readonly code = ErrorCode.flavorNotFound
  override get message(): string {
    return `flavor ${this.flavor} not found`
  }
}

/** The server has the flavor asked for already. */
export class FlavorUnchanged extends Schema.TaggedError<FlavorUnchanged>()(
  "FlavorUnchanged",
  { serverId: Schema.String, flavor: Schema.String },
  { description: "The server has that flavor already" }
) {
  readonly code = ErrorCode.serverFlavorUnchanged
  override get message(): string {
    return `server ${this.serverId} is on flavor ${this.flavor} already`
  }
}

/** The flavor's name matches several flavors the project can use: only its id says which. */
export class FlavorAmbiguous extends Schema.TaggedError<FlavorAmbiguous>()(
  "FlavorAmbiguous",
  { flavor: Schema.String },
  { description: "The flavor's name matches several flavors" }
) {
  readonly code = ErrorCode.flavorAmbiguous
  override get message(): string {
    return `flavor ${this.flavor} names several flavors: give its id`
  }
}
