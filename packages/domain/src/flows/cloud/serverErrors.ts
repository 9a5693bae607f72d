/** What a flow acting on an existing server fails with when the server cannot be acted on. */
import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class ServerNotFound extends Schema.TaggedError<ServerNotFound>()(
  "ServerNotFound",
  { serverId: Schema.String },
  { description: "The server does not exist (or is not the caller's project's)" }
) {
  readonly code = ErrorCode.serverNotFound
  override get message(): string {
    return `server ${this.serverId} not found`
  }
}

export class ServerNotReady extends Schema.TaggedError<ServerNotReady>()(
  "ServerNotReady",
  { serverId: Schema.String, status: Schema.String, taskState: Schema.NullOr(Schema.String) },
  { description: "The server is neither ACTIVE nor SHUTOFF" }
) {
  readonly code = ErrorCode.serverNotReady
  override get message(): string {
    const task = this.taskState === null ? "" : ` (${this.taskState})`
    return `server ${this.serverId} is ${this.status}${task}, not ACTIVE or SHUTOFF`
  }
}
