import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** The server has no volume of the kind asked for. */
export class BackupNoVolume extends Schema.TaggedError<BackupNoVolume>()(
  "BackupNoVolume",
  { serverId: Schema.String, volumes: Schema.Literal("boot", "all") },
  { description: "The server has no volume to back up" }
) {
  readonly code = ErrorCode.backupNoVolume
  override get message(): string {
    return this.volumes === "boot"
      ? `server ${this.serverId} has no boot volume (it boots from an image): back up "all" its volumes instead`
      : `server ${this.serverId} has no volume attached: there is nothing to back up`
  }
}

/** The project's Cinder quota does not allow the backup's snapshots. */
export class BackupOverQuota extends Schema.TaggedError<BackupOverQuota>()(
  "BackupOverQuota",
  { quota: Schema.String, limit: Schema.Number, used: Schema.Number, needed: Schema.Number },
  { description: "The project's quota does not allow the backup's snapshots" }
) {
  readonly code = ErrorCode.backupOverQuota
  override get message(): string {
    return `quota ${this.quota} exceeded: the backup needs ${this.needed} more, the project uses ${this.used} of its ${this.limit}`
  }
}
