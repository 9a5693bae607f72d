import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { DataDir } from "@enamel/persistence"
import { Config, Effect, Option, Redacted } from "effect"
import { KeyStoreError } from "./KeyStore.js"

/** ENAMEL_MASTER_KEY_FILE (`<ENAMEL_DATA_DIR>/master.key`): the local key store's 32-byte key. */
export const MasterKeyFile = Config.all({
  file: Config.option(Config.string("ENAMEL_MASTER_KEY_FILE")),
  dataDir: DataDir
}).pipe(Config.map(({ file, dataDir }) => Option.getOrElse(file, () => join(dataDir, "master.key"))))

const isCode = (cause: unknown, code: string) =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === code

/**
 * Reads the master key, or creates it (32 random bytes, mode 0600, in a 0700 directory) when the file
 * does not exist. Created with O_EXCL, so two processes starting together end up with the same key.
 */
export const load = (file: string) =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      await writeFile(file, randomBytes(32), { flag: "wx", mode: 0o600 }).catch((cause: unknown) => {
        if (!isCode(cause, "EEXIST")) throw cause
      })
      return await readFile(file)
    },
    catch: (cause) => new KeyStoreError({ message: `cannot read or create the master key ${file}`, cause })
  }).pipe(
    Effect.filterOrFail(
      (key) => key.length === 32,
      (key) => new KeyStoreError({ message: `the master key ${file} has ${key.length} bytes, not 32` })
    ),
    Effect.map((key) => Redacted.make(new Uint8Array(key)))
  )
