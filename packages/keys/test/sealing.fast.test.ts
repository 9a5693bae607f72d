import { randomBytes } from "node:crypto"
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { MasterKey, Sealing } from "@enamel/keys"
import { Effect, Either, Redacted } from "effect"

const key = () => new Uint8Array(randomBytes(32))

describe("sealing (AES-256-GCM)", () => {
  it("opens what it sealed, with the same key and id; never the same text twice", () => {
    const master = key()
    const a = Sealing.seal(master, "id-1", "the secret")
    expect(Sealing.unseal(master, "id-1", a)).toEqual(Either.right("the secret"))
    expect(Sealing.seal(master, "id-1", "the secret")).not.toBe(a)
    expect(a).not.toContain("the secret")
  })

  it("refuses a tampered value, a wrong master key, and a value moved to another id", () => {
    const master = key()
    const sealed = Sealing.seal(master, "id-1", "the secret")
    const bytes = Buffer.from(sealed.slice(3), "base64")
    for (const at of [0, 12, 30, bytes.length - 1]) {
      const flipped = Buffer.from(bytes)
      flipped[at] = (flipped[at] ?? 0) ^ 1
      expect(Either.isLeft(Sealing.unseal(master, "id-1", `v1:${flipped.toString("base64")}`))).toBe(true)
    }
    expect(Either.isLeft(Sealing.unseal(key(), "id-1", sealed))).toBe(true)
    expect(Either.isLeft(Sealing.unseal(master, "id-2", sealed))).toBe(true)
    expect(Either.isLeft(Sealing.unseal(master, "id-1", "v9:AAAA"))).toBe(true)
  })
})

describe("master key file", () => {
  it.scoped("is created once (32 random bytes, mode 0600) and read back after", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(join(tmpdir(), "enamel-keys-"))),
        (d) => Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const file = join(dir, "nested", "master.key")
      const first = yield* MasterKey.load(file)
      const second = yield* MasterKey.load(file)
      expect(Redacted.value(first)).toHaveLength(32)
      expect(Redacted.value(second)).toEqual(Redacted.value(first))
      expect(new Uint8Array(yield* Effect.promise(() => readFile(file)))).toEqual(Redacted.value(first))
      expect((yield* Effect.promise(() => stat(file))).mode & 0o777).toBe(0o600)
      yield* Effect.promise(() => writeFile(file, "short"))
      expect((yield* Effect.flip(MasterKey.load(file))).message).toContain("not 32")
    })
  )
})
