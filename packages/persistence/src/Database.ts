import { PgClient } from "@effect/sql-pg"
import { Config, Duration, Effect, Layer, Redacted, String as Str } from "effect"

/**
 * The one place Enamel opens PostgreSQL: names are snake_case in SQL and camelCase in code.
 * ENAMEL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/enamel).
 */
export const databaseUrl = Config.redacted("ENAMEL_DATABASE_URL").pipe(
  Config.withDefault(Redacted.make("postgres://postgres@127.0.0.1:5432/enamel"))
)

/** How Enamel talks to any PostgreSQL (a server or the embedded PGlite). */
export const conventions = {
  applicationName: "enamel",
  transformQueryNames: Str.camelToSnake,
  transformResultNames: Str.snakeToCamel,
  // JSON columns hold Schema-encoded documents: keep their keys exactly as written.
  transformJson: false
}

export const clientConfig = (url: Redacted.Redacted) => ({
  ...conventions,
  url,
  // Fail fast when the server is unreachable: the API answers 503 instead of hanging.
  connectTimeout: Duration.seconds(3)
})

export const layerClient = (url: Redacted.Redacted) => PgClient.layer(clientConfig(url))

export const layer = Layer.unwrapEffect(Effect.map(databaseUrl, layerClient))
