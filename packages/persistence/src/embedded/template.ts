import { cp, mkdtemp, rename, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { Effect } from "effect"

/**
 * For tests: a fresh data dir, copied from a cached empty PGlite cluster (PGlite's initdb takes
 * seconds; a copy takes a fraction of one). Removed when the scope closes.
 */
export const freshDataDir = Effect.acquireRelease(
  Effect.promise(async () => {
    const template = join(tmpdir(), "enamel-pglite-template-0.5.14")
    const exists = await stat(template).then(
      () => true,
      () => false
    )
    if (!exists) {
      const building = await mkdtemp(`${template}-building-`)
      const db = await PGlite.create({ dataDir: join(building, "pgdata") })
      await db.close()
      // Another test file may have built it meanwhile: the first rename wins, the other copy goes.
      await rename(building, template).catch(() => rm(building, { recursive: true, force: true }))
    }
    const dataDir = await mkdtemp(join(tmpdir(), "enamel-embedded-test-"))
    await cp(join(template, "pgdata"), join(dataDir, "pgdata"), { recursive: true })
    return dataDir
  }),
  (dataDir) => Effect.promise(() => rm(dataDir, { recursive: true, force: true }))
)
