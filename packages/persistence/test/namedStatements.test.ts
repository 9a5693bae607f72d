import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, String as Str } from "effect"
import * as NamedStatements from "../src/pg/NamedStatements.js"

/** The statement finds itself among its session's prepared statements only when it was sent by name. */
const selfPrepared = (name: string) =>
  NamedStatements.make<{ preparedName: string }>(
    name,
    "SELECT name AS prepared_name FROM pg_prepared_statements WHERE name = $1",
    Str.snakeToCamel
  )

const insertNote = NamedStatements.make<{ noteId: number }>(
  "enamel_test_insert_note",
  "INSERT INTO named_notes (body) VALUES ($1) RETURNING note_id",
  Str.snakeToCamel
)

const createNotes = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql`CREATE TABLE IF NOT EXISTS named_notes (note_id serial PRIMARY KEY, body text NOT NULL)`
)

const countNotes = (body: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ n: number }>`SELECT count(*)::int AS n FROM named_notes WHERE body = ${body}`,
      (rows) => rows[0]?.n
    )
  )

describe("named statements", () => {
  it.layer(TestDatabase.layer, { timeout: 60_000 })("on a PostgreSQL server", (it) => {
    it.effect("are prepared by name and return rows named as the SqlClient names them", () =>
      Effect.gen(function* () {
        const statement = yield* selfPrepared("enamel_test_self")
        expect(yield* statement(["enamel_test_self"])).toEqual([{ preparedName: "enamel_test_self" }])
        // Again, on a connection that has it prepared already: only its name and parameters go.
        expect(yield* statement(["enamel_test_self"])).toEqual([{ preparedName: "enamel_test_self" }])
      })
    )

    it.effect("run on the transaction's connection inside a transaction, and roll back with it", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* createNotes
        const insert = yield* insertNote
        let inside: number | undefined
        const rolledBack = yield* sql
          .withTransaction(
            Effect.gen(function* () {
              yield* insert(["rolled back"])
              inside = yield* countNotes("rolled back")
              return yield* Effect.fail("roll back" as const)
            })
          )
          .pipe(Effect.flip)
        expect(rolledBack).toBe("roll back")
        expect(inside).toBe(1)
        expect(yield* countNotes("rolled back")).toBe(0)
        const [row] = yield* insert(["kept"])
        expect(typeof row?.noteId).toBe("number")
        expect(yield* countNotes("kept")).toBe(1)
      })
    )

    it.effect("fail with SqlError when the statement fails", () =>
      Effect.gen(function* () {
        const broken = yield* NamedStatements.make("enamel_test_broken", "SELECT 1 / $1::int AS x")
        const error = yield* Effect.flip(broken([0]))
        expect(error._tag).toBe("SqlError")
      })
    )
  })

  it.layer(TestDatabase.layerPglite, { timeout: 60_000 })("on the embedded PGlite", (it) => {
    it.effect("run as ordinary statements, with the same rows", () =>
      Effect.gen(function* () {
        const statement = yield* selfPrepared("enamel_test_self")
        expect(yield* statement(["enamel_test_self"])).toEqual([])
        yield* createNotes
        const [row] = yield* (yield* insertNote)(["embedded"])
        expect(typeof row?.noteId).toBe("number")
        expect(yield* countNotes("embedded")).toBe(1)
      })
    )
  })
})
