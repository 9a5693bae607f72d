import { Either } from "effect"
import { parseHeadAndPairs, single } from "./miniGrammar.js"
import { type UsageError, usage } from "./UsageError.js"

/** `--boot-volume SIZE_GB[,type=T][,delete-on-termination=false]`, as `POST /servers` takes it. */
export interface BootVolumeFlag {
  readonly size_gb: number
  readonly volume_type?: string
  readonly delete_on_termination?: boolean
}

const flag = "--boot-volume"
const example = "SIZE_GB[,type=T][,delete-on-termination=false]"
/** Cinder's own upper bound for a volume, which the API checks too. */
const maxSizeGb = 16384

export const parseBootVolume = (text: string): Either.Either<BootVolumeFlag, UsageError> =>
  Either.gen(function* () {
    const parsed = yield* parseHeadAndPairs(flag, text, ["type", "delete-on-termination"], example)
    const size = /^\d+$/.test(parsed.head) ? Number(parsed.head) : Number.NaN
    if (!(size >= 1 && size <= maxSizeGb)) {
      return yield* Either.left(
        usage(
          `${flag} ${text}: the size must be a whole number of GB from 1 to ${maxSizeGb}, not "${parsed.head}"`
        )
      )
    }
    const type = yield* single(flag, text, parsed, "type")
    const deletes = yield* single(flag, text, parsed, "delete-on-termination")
    if (deletes !== undefined && deletes !== "true" && deletes !== "false") {
      return yield* Either.left(usage(`${flag} ${text}: delete-on-termination must be true or false`))
    }
    return {
      size_gb: size,
      ...(type === undefined ? {} : { volume_type: type }),
      ...(deletes === undefined ? {} : { delete_on_termination: deletes === "true" })
    }
  })
