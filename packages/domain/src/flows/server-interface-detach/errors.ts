import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class PortNotAttached extends Schema.TaggedError<PortNotAttached>()(
  "PortNotAttached",
  { serverId: Schema.String, portId: Schema.String },
  { description: "The port is not attached to the server" }
) {
  readonly code = ErrorCode.portNotAttached
  override get message(): string {
    return `port ${this.portId} is not attached to server ${this.serverId}`
  }
}
