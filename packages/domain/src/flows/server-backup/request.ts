/**
 * What a `server.backup` task is given (`POST /servers/{id}/backups`: the body, and the server's id from
 * the path) and gives back.
 */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"
import { Admitted } from "../cloud/admitted.js"

export const type = "server.backup"

const fields = {
  name: Text.pipe(Schema.minLength(1), Schema.maxLength(255)).annotations({
    description: "the backup's name (its snapshots carry it)"
  }),
  rotation: Schema.optional(
    Schema.Int.pipe(Schema.between(1, 100)).annotations({
      description: "keep the newest N backups of the server (this one counts); older ones are deleted"
    })
  ),
  volumes: Schema.optionalWith(
    Schema.Literal("boot", "all").annotations({
      description: "the boot volume only, or every volume attached to the server (the default)"
    }),
    { default: () => "all" as const }
  ),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
}

/** The body of `POST /servers/{id}/backups`. */
export const BackupBody = Input.body(Schema.Struct(fields))

/** The task's params: the body and the server. */
export const BackupRequest = Schema.Struct({ ...fields, server_id: Schema.NonEmptyTrimmedString })
export type BackupRequest = typeof BackupRequest.Type

/** A volume a backup takes, attached as which device. */
export const ChosenVolume = Schema.Struct({
  volume_id: Schema.String,
  device: Schema.NullOr(Schema.String),
  size_gb: Schema.Number
})
export type ChosenVolume = typeof ChosenVolume.Type

/** What the admission (and else `chooseVolumes`) finds: the server and the volumes to snapshot. */
export const BackupFound = Schema.Struct({ server_id: Schema.String, volumes: Schema.Array(ChosenVolume) })
export type BackupFound = typeof BackupFound.Type

/** The params of version 2: the request, with what the admission found (`cloud/admitted.ts`). */
export const BackupParams = Schema.Struct({
  ...BackupRequest.fields,
  admitted: Schema.optional(Admitted(BackupFound))
})
export type BackupParams = typeof BackupParams.Type

/** One snapshot of a backup set: of which volume, attached as which device. */
export const BackupSnapshot = Schema.Struct({
  volume_id: Schema.String,
  snapshot_id: Schema.String,
  device: Schema.NullOr(Schema.String)
})
export type BackupSnapshot = typeof BackupSnapshot.Type

export const BackupResult = Schema.Struct({
  /** The set's id (the task's id): `DELETE /servers/{id}/backups/{backup_id}` names it. */
  backup_id: Schema.String,
  snapshots: Schema.Array(BackupSnapshot),
  /** The older sets the rotation deleted. */
  deleted: Schema.Array(Schema.String)
})
export type BackupResult = typeof BackupResult.Type
