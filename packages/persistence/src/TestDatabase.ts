import { Reactivity } from "@effect/experimental"
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Redacted } from "effect"
import { clientConfig, databaseUrl, layerClient } from "./Database.js"
import * as PgliteDatabase from "./embedded/PgliteDatabase.js"
import { freshDataDir } from "./embedded/template.js"
import { layerMigrated } from "./migrate.js"

export { freshDataDir }

/** The URL of the test database, for tests that connect to it another way (e.g. through a proxy). */
export class TestDatabaseUrl extends Context.Tag("@enamel/persistence/TestDatabaseUrl")<
  TestDatabaseUrl,
  URL
>() {}

/**
 * A throw-away database for one test suite on the real server named by ENAMEL_DATABASE_URL (its
 * database part is replaced): created and migrated on build, dropped when the suite's scope closes.
 */
export const layer = Layer.unwrapScoped(
  Effect.gen(function* () {
    const url = new URL(Redacted.value(yield* databaseUrl))
    const name = `enamel_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`
    url.pathname = "/postgres"
    const admin = yield* PgClient.make(clientConfig(Redacted.make(url.toString())))
    yield* admin.unsafe(`CREATE DATABASE ${name}`)
    yield* Effect.addFinalizer(() =>
      Effect.ignore(admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    )
    url.pathname = `/${name}`
    const client = layerClient(Redacted.make(url.toString()))
    return Layer.merge(
      Layer.provideMerge(layerMigrated, client),
      Layer.succeed(TestDatabaseUrl, new URL(url))
    )
  })
).pipe(Layer.provide(Reactivity.layer))

/** The embedded database (PGlite) in a fresh data dir, migrated; the dir is removed with the scope. */
export const layerPglite = Layer.unwrapScoped(
  Effect.map(freshDataDir, (dataDir) => Layer.provideMerge(layerMigrated, PgliteDatabase.layerAt(dataDir)))
)
