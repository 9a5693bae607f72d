/**
 * The three places a secret could leak to — database rows, log lines, AMQP messages — captured whole
 * during a test, and a scanner for secrets in them (raw, and as JSON, hex and base64 would carry them).
 */
import { SqlClient } from "@effect/sql"
import { drainQueue, tapExchanges } from "@enamel/broker/testing"
import { Logging } from "@enamel/domain"
import { Effect, Inspectable, Layer, Logger, LogLevel } from "effect"

const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const

/** Whatever anything prints through `console` while the layer lives (a library's own warnings, say). */
const captureConsole = (lines: Array<string>) =>
  Layer.scopedDiscard(
    Effect.acquireRelease(
      Effect.sync(() => {
        const originals = consoleMethods.map((name) => [name, console[name]] as const)
        for (const [name, original] of originals) {
          console[name] = (...args: ReadonlyArray<unknown>) => {
            lines.push(
              args.map((a) => (typeof a === "string" ? a : Inspectable.toStringUnknown(a))).join(" ")
            )
            original.apply(console, [...args])
          }
        }
        return originals
      }),
      (originals) =>
        Effect.sync(() => {
          for (const [name, original] of originals) console[name] = original
        })
    )
  )

/**
 * Every log line of the process while the layer lives: Effect's logs at every level, in each format a
 * process prints (ENAMEL_LOG_FORMAT `text`: logfmt; `json`: Enamel's JSON lines, with their trace id and
 * request ids), as Effect's structured JSON, and whatever is printed through `console`.
 */
export const captureLogs = (lines: Array<string>) =>
  Layer.mergeAll(
    Logger.replace(
      Logger.defaultLogger,
      Logger.make((options) => {
        lines.push(Logger.logfmtLogger.log(options))
        lines.push(Logging.jsonLogger.log(options))
        lines.push(JSON.stringify(Logger.structuredLogger.log(options)))
      })
    ),
    Logger.minimumLogLevel(LogLevel.All),
    captureConsole(lines)
  )

/** A copy of every message published to the namespace's exchanges from now on; `drain` takes them. */
export const tapMessages = (namespace: string) =>
  Effect.map(tapExchanges(namespace), (queue) => ({
    drain: Effect.map(drainQueue(queue, true), (messages) => messages.map((m) => m.body))
  }))

/** Every row of every table of the database (found in information_schema, not a list), as JSON text. */
export const dumpDatabase = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ tableName: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
  const rows: Array<string> = []
  for (const { tableName } of tables) {
    const dumped = yield* sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql(tableName)} t`
    for (const { row } of dumped) rows.push(`${tableName}: ${row}`)
  }
  return { tables: tables.map((t) => t.tableName), rows }
})

export interface Hit {
  readonly secret: string
  readonly sink: string
  readonly index: number
  /** Up to 40 characters before the hit, so a report says where without repeating the secret. */
  readonly before: string
}

/** How a secret may travel: as is, JSON-escaped, hex (bytea) and base64. */
const encodings = (secret: string) => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  Buffer.from(secret).toString("hex"),
  Buffer.from(secret).toString("base64")
]

/** Every place in the sinks' lines where one of the secrets (or a pattern) appears. */
export const scan = (
  sinks: Readonly<Record<string, ReadonlyArray<string>>>,
  secrets: Readonly<Record<string, string | RegExp>>
): ReadonlyArray<Hit> =>
  Object.entries(sinks).flatMap(([sink, lines]) =>
    lines.flatMap((line) =>
      Object.entries(secrets).flatMap(([secret, value]) => {
        const found =
          typeof value === "string"
            ? encodings(value).map((v) => line.indexOf(v))
            : [line.search(new RegExp(value.source, value.flags.replace("g", "")))]
        return found
          .filter((index) => index >= 0)
          .slice(0, 1)
          .map((index) => ({ secret, sink, index, before: line.slice(Math.max(0, index - 40), index) }))
      })
    )
  )
