import { mkdtemp, readdir, rm } from "node:fs/promises"
import { Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Reactivity } from "@effect/experimental"
import { SqlClient, type SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { Context, Data, Duration, Effect, Layer, Stream } from "effect"
import { conventions } from "../Database.js"
import * as DataDirLock from "./dataDir.js"
import { notificationTap } from "./notifications.js"

export class PgliteError extends Data.TaggedError("PgliteError")<{
  readonly message: string
  readonly cause: unknown
}> {}

/** PGlite on disk, under the data dir; closed (and its files left consistent) with the scope. */
const open = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => PGlite.create({ dataDir: join(dataDir, "pgdata") }),
      catch: (cause) => new PgliteError({ message: `cannot open PGlite in ${dataDir}`, cause })
    }),
    (db) => Effect.promise(() => db.close().catch(() => undefined))
  )

/** Socket paths longer than this do not fit in a sockaddr_un on every platform. */
const maxSocketPath = 100

/**
 * Where the socket goes: a fresh private (0700) directory inside the data dir, so nothing else on the
 * machine can reach the database (PGlite asks for no password) and a crash leaves nothing elsewhere;
 * one left by a process that died is removed (the data dir's lock is held). In the system's temporary
 * directory when the data dir's path is too long for a socket.
 */
const socketDirFor = async (dataDir: string) => {
  for (const name of await readdir(dataDir)) {
    if (name.startsWith("socket-")) await rm(join(dataDir, name), { recursive: true, force: true })
  }
  const inDataDir = join(dataDir, "socket-XXXXXX", ".s.PGSQL.5432").length <= maxSocketPath
  return mkdtemp(inDataDir ? join(dataDir, "socket-") : join(tmpdir(), "enamel-pglite-"))
}

/** PGlite as a PostgreSQL server on a private Unix socket. One connection: PGlite is a single session. */
const serve = (db: PGlite, dataDir: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const socketDir = await socketDirFor(dataDir)
        const server = new PGLiteSocketServer({
          db,
          path: join(socketDir, ".s.PGSQL.5432"),
          maxConnections: 1
        })
        await server.start()
        return { socketDir, server }
      },
      catch: (cause) => new PgliteError({ message: "cannot serve PGlite on a socket", cause })
    }),
    ({ socketDir, server }) =>
      Effect.promise(async () => {
        await server.stop().catch(() => undefined)
        await rm(socketDir, { recursive: true, force: true })
      })
  )

/**
 * Enamel's PgClient over PGlite, unchanged for the code above it, with two differences that PGlite's
 * single session requires:
 *
 * - a pool of exactly one connection. Every statement and every transaction (the outbox batch with
 *   FOR UPDATE SKIP LOCKED, the user-key lock, the migrator's lock) runs alone, in order, so no
 *   statement of another fiber can land inside a transaction. Advisory locks and row locks exclude
 *   nothing in one session; the single connection is what serialises. Waiting for the connection is
 *   bounded by a long connect timeout, since a transaction may hold it for a while (a user's first key).
 * - LISTEN/NOTIFY without a second connection: LISTEN is issued on the shared session and the
 *   notifications, which PGlite sends back on the connection that ran the NOTIFY, are read from that
 *   connection's bytes and handed to the listeners in this process.
 */
export const make = (dataDir: string) =>
  Effect.gen(function* () {
    yield* DataDirLock.acquire(dataDir)
    const db = yield* open(dataDir)
    const { socketDir } = yield* serve(db, dataDir)
    const listeners = new Set<(channel: string, payload: string) => void>()
    const tap = notificationTap((channel, payload) => {
      for (const listener of listeners) listener(channel, payload)
    })
    const client = yield* PgClient.make({
      ...conventions,
      host: socketDir,
      port: 5432,
      username: "postgres",
      database: "postgres",
      maxConnections: 1,
      // Keep the one connection: no idle close and reconnect.
      idleTimeout: Duration.zero,
      connectTimeout: Duration.seconds(60),
      stream: () => {
        const socket = new Socket()
        socket.on("data", tap)
        return socket
      }
    })
    const listening = new Set<string>()
    const listen = (channel: string) =>
      Stream.asyncPush<string, SqlError.SqlError>((emit) =>
        Effect.gen(function* () {
          if (!listening.has(channel)) {
            yield* client.unsafe(`LISTEN "${channel.replaceAll('"', '""')}"`)
            listening.add(channel)
          }
          const listener = (c: string, payload: string) => {
            if (c === channel) emit.single(payload)
          }
          yield* Effect.acquireRelease(
            Effect.sync(() => listeners.add(listener)),
            () => Effect.sync(() => listeners.delete(listener))
          )
        })
      )
    const notify = (channel: string, payload: string) =>
      Effect.asVoid(client`SELECT pg_notify(${channel}, ${payload})`)
    return Object.assign(client, { listen, notify })
  }).pipe(Effect.withSpan("PgliteDatabase.make"))

/** The embedded database as Enamel's PgClient and SqlClient, for the life of the layer. */
export const layerAt = (dataDir: string) =>
  Layer.scopedContext(
    Effect.map(make(dataDir), (client) =>
      Context.make(PgClient.PgClient, client).pipe(Context.add(SqlClient.SqlClient, client))
    )
  ).pipe(Layer.provide(Reactivity.layer))

/** The embedded database in ENAMEL_DATA_DIR. */
export const layer = Layer.unwrapEffect(Effect.map(DataDirLock.DataDir, layerAt))
