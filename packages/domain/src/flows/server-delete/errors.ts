import { Schema } from "effect"

export const ServerDeleteErrorCode = {
  notFound: "server.not_found"
} as const

export class ServerNotFound extends Schema.TaggedError<ServerNotFound>()(
  "ServerNotFound",
  { serverId: Schema.String },
  { description: "The server to delete does not exist (or is not the caller's project's)" }
) {
  readonly code = ServerDeleteErrorCode.notFound
  override get message(): string {
    return `server ${this.serverId} not found`
  }
}
