import { Config, Duration, Effect, Layer, Redacted, String as Str } from "effect"
import * as NamedStatements from "./pg/NamedStatements.js"

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

/**
 * `connectTimeout` bounds both opening a connection and waiting for a free one of the pool (pg has one
 * setting for both). The default 3 s fails fast when the server is unreachable: the API answers 503
 * instead of hanging.
 */
export const clientConfig = (
  url: Redacted.Redacted,
  connectTimeout: Duration.Duration = Duration.seconds(3)
) => ({
  ...conventions,
  url,
  connectTimeout
})

/**
 * PgClient and SqlClient on a PostgreSQL server, with the pool under them reachable for named statements
 * (pg/NamedStatements.ts).
 */
export const layerClient = (
  url: Redacted.Redacted,
  connectTimeout: Duration.Duration = Duration.seconds(3)
) =>
  NamedStatements.layerClient(
    { url, connectTimeout, applicationName: conventions.applicationName },
    conventions
  )

export const layer = Layer.unwrapEffect(Effect.map(databaseUrl, (url) => layerClient(url)))

/**
 * A client that waits up to `wait` for a free connection (a worker passes its lease TTL: waiting longer
 * would lose the lease anyway). A worker running many tasks queues more statements than its pool serves
 * in 3 s; with the API's bound each one that waited longer failed, its task went back to the queue and
 * was claimed again, which queued more: at 1,000 tasks in flight a worker finished 5 tasks a second.
 */
export const layerWaiting = (wait: Duration.Duration) =>
  Layer.unwrapEffect(Effect.map(databaseUrl, (url) => layerClient(url, wait)))
