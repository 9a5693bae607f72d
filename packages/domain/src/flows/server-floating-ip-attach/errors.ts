import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** Something the request names (the external network, the port) does not exist or cannot be used. */
export class FloatingIpRequestUnresolved extends Schema.TaggedError<FloatingIpRequestUnresolved>()(
  "FloatingIpRequestUnresolved",
  { problems: Schema.Array(Schema.String) },
  { description: "The request names something that does not exist or cannot be used" }
) {
  readonly code = ErrorCode.serverRequestUnresolved
  override get message(): string {
    return this.problems.join("; ")
  }
}

/** Every port of the server has a floating IP already. */
export class NoFreePort extends Schema.TaggedError<NoFreePort>()(
  "NoFreePort",
  { serverId: Schema.String },
  { description: "Every port of the server has a floating IP" }
) {
  readonly code = ErrorCode.floatingIpNoFreePort
  override get message(): string {
    return `every port of server ${this.serverId} has a floating IP already: name a port, or detach one first`
  }
}
