import { Reactivity } from "@effect/experimental"
import { SqlClient, SqlError, Statement } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import pg from "pg"

/**
 * Named (prepared) statements on node-postgres, for the hot statements.
 *
 * @effect/sql-pg sends every statement unnamed, so PostgreSQL parses and plans it on every call. A
 * statement made here is sent by name: node-postgres parses it once per connection and afterwards sends
 * only its name and parameters. Below @effect/sql on purpose, and only in this module: the rest of the
 * package sees a function from parameters to rows.
 *
 * It needs the pool under the PgClient ({@link PgPool}), which {@link layerClient} provides. Without it
 * (the embedded PGlite, whose single session outlives node-postgres's record of what it prepared), and
 * inside a transaction (whose statements must run on the transaction's connection), the same text runs
 * as an ordinary statement through the SqlClient: same rows, same errors.
 */

/** The node-postgres pool under Enamel's PgClient, when it is a PostgreSQL server. */
export class PgPool extends Context.Tag("@enamel/persistence/PgPool")<PgPool, pg.Pool>() {}

/** PgClient's own pool settings (as PgClient.make sets them), on a pool this module can also reach. */
export interface PoolConfig {
  readonly url: Redacted.Redacted
  readonly connectTimeout: Duration.Duration
  readonly applicationName: string
}

const openPool = (config: PoolConfig) =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      const pool = new pg.Pool({
        connectionString: Redacted.value(config.url),
        connectionTimeoutMillis: Duration.toMillis(config.connectTimeout),
        application_name: config.applicationName
      })
      // A broken idle connection is dropped by the pool; the next statement gets a fresh one.
      pool.on("error", () => undefined)
      return Effect.tryPromise({
        try: () => pool.query("SELECT 1").then(() => pool),
        catch: (cause) => new SqlError.SqlError({ cause, message: "PgClient: Failed to connect" })
      }).pipe(
        Effect.timeoutFail({
          duration: config.connectTimeout,
          onTimeout: () =>
            new SqlError.SqlError({
              cause: new Error("Connection timed out"),
              message: "PgClient: Connection timed out"
            })
        }),
        Effect.tapError(() => Effect.promise(() => pool.end().catch(() => undefined)))
      )
    }),
    (pool) => Effect.promise(() => pool.end().catch(() => undefined)).pipe(Effect.timeoutOption(1000))
  )

/**
 * PgClient and SqlClient over a pool opened here, and that pool as {@link PgPool}: the statements of
 * @effect/sql and the named ones share its connections.
 */
export const layerClient = (
  config: PoolConfig,
  conventions: Omit<PgClient.PgClientFromPoolOptions, "acquire">
) =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const pool = yield* openPool(config)
      const client = yield* PgClient.fromPool({ ...conventions, acquire: Effect.succeed(pool) })
      return Context.make(PgClient.PgClient, client).pipe(
        Context.add(SqlClient.SqlClient, client),
        Context.add(PgPool, pool)
      )
    })
  ).pipe(Layer.provide(Reactivity.layer))

/** A statement by name: its parameters in, its rows out (names transformed as the SqlClient does). */
export type NamedStatement<Row> = (
  params: Array<unknown>
) => Effect.Effect<ReadonlyArray<Row>, SqlError.SqlError>

/**
 * Prepares `text` (with $1, $2 … placeholders) under `name`, which must be unique in the process and
 * always name this text. `transformResultNames` is the SqlClient's (Database.conventions).
 */
export const make = <Row extends object>(
  name: string,
  text: string,
  transformResultNames?: (name: string) => string
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const pool = yield* Effect.serviceOption(PgPool)
    const ordinary: NamedStatement<Row> = (params) => sql.unsafe<Row>(text, params)
    if (Option.isNone(pool)) return ordinary
    const transformRows =
      transformResultNames === undefined
        ? (rows: ReadonlyArray<Row>) => rows
        : Statement.defaultTransforms(transformResultNames, false).array
    const named: NamedStatement<Row> = (params) =>
      Effect.async<ReadonlyArray<Row>, SqlError.SqlError>((resume) => {
        pool.value.query<Row>({ name, text, values: params }, (cause, result) => {
          resume(
            cause
              ? Effect.fail(new SqlError.SqlError({ cause, message: `Failed to execute statement ${name}` }))
              : Effect.succeed(transformRows(result.rows))
          )
        })
      })
    const statement: NamedStatement<Row> = (params) =>
      Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) =>
        Option.isSome(transaction) ? ordinary(params) : named(params)
      )
    return statement
  })
