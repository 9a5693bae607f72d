import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Config, Data, Effect } from "effect"

/** ENAMEL_DATA_DIR (`.enamel/embedded` under the working directory): the embedded mode's files. */
export const DataDir = Config.string("ENAMEL_DATA_DIR").pipe(
  Config.withDefault(".enamel/embedded"),
  Config.map((path) => resolve(path))
)

export class DataDirInUse extends Data.TaggedError("DataDirInUse")<{
  readonly dataDir: string
  readonly pid: number
}> {
  override get message() {
    return `${this.dataDir} is in use by process ${this.pid}`
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Data dirs held in this process (the pid file cannot tell two holders in one process apart). */
const held = new Set<string>()

/**
 * Creates the directory (0700) and holds it for this process until the scope closes: PGlite has no
 * lock of its own, and a second process on the same files would corrupt them. A lock left by a process
 * that died is taken over.
 */
export const acquire = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      yield* Effect.promise(() => mkdir(dataDir, { recursive: true, mode: 0o700 }))
      const lockFile = join(dataDir, "enamel.pid")
      const holder = yield* Effect.promise(() => readFile(lockFile, "utf8").then(Number, () => Number.NaN))
      if (held.has(dataDir) || (Number.isInteger(holder) && holder !== process.pid && alive(holder)))
        return yield* new DataDirInUse({ dataDir, pid: Number.isInteger(holder) ? holder : process.pid })
      held.add(dataDir)
      yield* Effect.promise(() => writeFile(lockFile, String(process.pid), { mode: 0o600 }))
      return lockFile
    }),
    (lockFile) =>
      Effect.promise(() => rm(lockFile, { force: true })).pipe(
        Effect.ensuring(Effect.sync(() => held.delete(dataDir)))
      )
  )
