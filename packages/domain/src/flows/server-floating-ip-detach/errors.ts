import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class FloatingIpNotAttached extends Schema.TaggedError<FloatingIpNotAttached>()(
  "FloatingIpNotAttached",
  { serverId: Schema.String, floatingIpId: Schema.String },
  { description: "The floating IP is not on a port of the server" }
) {
  readonly code = ErrorCode.floatingIpNotAttached
  override get message(): string {
    return `floating IP ${this.floatingIpId} is not on a port of server ${this.serverId}`
  }
}
