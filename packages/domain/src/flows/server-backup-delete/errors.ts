import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class BackupNotFound extends Schema.TaggedError<BackupNotFound>()(
  "BackupNotFound",
  { serverId: Schema.String, backupId: Schema.String },
  { description: "The server has no backup set with that id" }
) {
  readonly code = ErrorCode.backupNotFound
  override get message(): string {
    return `server ${this.serverId} has no backup ${this.backupId}`
  }
}
