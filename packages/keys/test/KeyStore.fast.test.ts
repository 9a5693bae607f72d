import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { describe, expect, it, layer } from "@effect/vitest"
import {
  KeyNotFound,
  KeyStore,
  KeyStoreError,
  KeyStoreLocal,
  KeyStoreSelection,
  type KeyStoreShape,
  MasterKey
} from "@enamel/keys"
import { LocalSecrets } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer, Redacted, Ref } from "effect"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "enamel-keys-"))),
  (d) => Effect.promise(() => rm(d, { recursive: true, force: true }))
)

/** The local store with a master key in a fresh file. */
const localStore = (file: string) => Effect.flatMap(MasterKey.load(file), KeyStoreLocal.make)

describe("local key store", () => {
  layer(Layer.provideMerge(LocalSecrets.Default, TestDatabase.layerPglite), { excludeTestServices: true })(
    (it) => {
      it.scoped(
        "keeps a secret sealed in the database under a local: reference; reads it back; deletes it",
        () =>
          Effect.gen(function* () {
            const file = join(yield* tempDir, "master.key")
            const store = yield* localStore(file)
            const ref = yield* store.store("enamel-key-u-p", Redacted.make('{"id":"x","secret":"s3cret"}'))
            expect(ref).toMatch(/^local:[0-9a-f-]{36}$/)
            const sql = yield* SqlClient.SqlClient
            const rows = yield* sql<{ sealed: string }>`SELECT sealed FROM local_secrets`
            expect(rows.some((r) => r.sealed.includes("s3cret"))).toBe(false)
            // Another store (a restarted process) with the same master key file reads it.
            const again = yield* localStore(file)
            expect(Redacted.value(yield* again.read(ref))).toBe('{"id":"x","secret":"s3cret"}')
            yield* again.remove(ref)
            expect(yield* Effect.flip(again.read(ref))).toBeInstanceOf(KeyNotFound)
          })
      )

      it.scoped("refuses to read with another master key, and refuses references it did not make", () =>
        Effect.gen(function* () {
          const dir = yield* tempDir
          const store = yield* localStore(join(dir, "a.key"))
          const ref = yield* store.store("k", Redacted.make("payload"))
          const other = yield* localStore(join(dir, "b.key"))
          const refused = yield* Effect.flip(other.read(ref))
          expect(refused).toBeInstanceOf(KeyStoreError)
          expect(refused.message).toContain("does not authenticate")
          expect(yield* Effect.flip(store.read("https://barbican/v1/secrets/abc"))).toBeInstanceOf(
            KeyStoreError
          )
        })
      )
    }
  )
})

/** A store that records what it is asked, and names its references after itself. */
const fake = (name: string, log: Ref.Ref<ReadonlyArray<string>>): KeyStoreShape =>
  KeyStore.of({
    store: (n) =>
      Effect.as(
        Ref.update(log, (l) => [...l, `${name} store ${n}`]),
        `${name === "local" ? "local:" : "https://"}${n}`
      ),
    read: (ref) =>
      Effect.as(
        Ref.update(log, (l) => [...l, `${name} read ${ref}`]),
        Redacted.make("p")
      ),
    remove: (ref) => Ref.update(log, (l) => [...l, `${name} remove ${ref}`])
  })

const selected = (mode: KeyStoreSelection.Mode, hasKeyManager: boolean) =>
  Effect.gen(function* () {
    const log = yield* Ref.make<ReadonlyArray<string>>([])
    const asked = yield* Ref.make(0)
    const store = yield* KeyStoreSelection.select(mode, {
      barbican: fake("barbican", log),
      local: Effect.succeed(fake("local", log)),
      hasKeyManager: Effect.as(
        Ref.update(asked, (n) => n + 1),
        hasKeyManager
      )
    })
    yield* store.store("a", Redacted.make("p"))
    yield* store.store("b", Redacted.make("p"))
    yield* store.read("local:x")
    yield* store.read("https://barbican/x")
    yield* store.remove("local:y")
    return { log: yield* Ref.get(log), asked: yield* Ref.get(asked) }
  })

describe("key store selection", () => {
  it.effect("auto: Barbican when the catalog has a key manager, else local, decided once", () =>
    Effect.gen(function* () {
      const withBarbican = yield* selected("auto", true)
      expect(withBarbican.log.slice(0, 2)).toEqual(["barbican store a", "barbican store b"])
      expect(withBarbican.asked).toBe(1)
      const without = yield* selected("auto", false)
      expect(without.log.slice(0, 2)).toEqual(["local store a", "local store b"])
    })
  )

  it.effect("barbican and local put new keys where they say; references go to the store that made them", () =>
    Effect.gen(function* () {
      const barbican = yield* selected("barbican", false)
      expect(barbican.asked).toBe(0)
      expect(barbican.log).toEqual([
        "barbican store a",
        "barbican store b",
        "local read local:x",
        "barbican read https://barbican/x",
        "local remove local:y"
      ])
      const local = yield* selected("local", true)
      expect(local.log.slice(0, 2)).toEqual(["local store a", "local store b"])
    })
  )
})
