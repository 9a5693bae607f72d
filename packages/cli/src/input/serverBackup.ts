import { ServerBackup } from "@enamel/domain/flows"
import type { Either } from "effect"
import { checked, defined } from "./serverAttach.js"
import type { UsageError } from "./UsageError.js"

/**
 * The body of `server backup create`, checked by the contract's own schema so that the API would accept
 * it: a name missing or too long, a rotation or priority out of range, or volumes other than boot or all
 * is refused here, before any call, naming the flag.
 */

export interface BackupFlags {
  readonly name: string
  readonly rotation?: number | undefined
  readonly volumes?: string | undefined
  readonly priority?: number | undefined
}

export type BackupPayload = typeof ServerBackup.BackupBody.Type

/** `--name N [--rotation K] [--volumes boot|all] [--priority P]`. */
export const backupPayload = (flags: BackupFlags): Either.Either<BackupPayload, UsageError> =>
  checked(
    ServerBackup.BackupBody,
    { name: "--name", rotation: "--rotation", volumes: "--volumes", priority: "--priority" },
    {
      name: flags.name,
      ...defined("rotation", flags.rotation),
      ...defined("volumes", flags.volumes),
      ...defined("priority", flags.priority)
    }
  )
