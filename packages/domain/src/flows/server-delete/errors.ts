import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class ServerNotFound extends Schema.TaggedError<ServerNotFound>()(
  "ServerNotFound",
  { serverId: Schema.String },
  { description: "The server to delete does not exist (or is not the caller's project's)" }
) {
  readonly code = ErrorCode.serverNotFound
  override get message(): string {
    return `server ${this.serverId} not found`
  }
}
