import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** `ServerNotFound` is shared with the other flows that act on an existing server (`cloud/serverErrors.ts`). */
export { ServerNotFound } from "../cloud/serverErrors.js"

export class ServerHasBackups extends Schema.TaggedError<ServerHasBackups>()(
  "ServerHasBackups",
  { serverId: Schema.String, backupIds: Schema.Array(Schema.String) },
  { description: "The server has backup sets and the request did not ask to delete them" }
) {
  readonly code = ErrorCode.serverHasBackups
  override get message(): string {
    return (
      `server ${this.serverId} has backups ${this.backupIds.join(", ")}, whose snapshots depend on its ` +
      `volumes; delete them first (DELETE /servers/${this.serverId}/backups/{backup_id}), or with the ` +
      `server (DELETE /servers/${this.serverId}?delete_backups=true)`
    )
  }
}
