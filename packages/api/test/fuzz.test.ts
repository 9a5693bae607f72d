/**
 * Property-based fuzzing of every endpoint of the contract (fast-check), the full run: 14,300 seeded
 * cases over the real PostgreSQL (with the in-process broker and the cloud double). No 5xx, no crash, 2xx
 * only for valid requests, every 4xx OpenStack's error document naming what was wrong (see
 * fuzz/verdict.ts). FUZZ_SEED=<n> replays a run; the seed is printed. FUZZ_RUNS changes the size. The fast
 * tier runs a tenth of it in memory (`fuzz.fast.test.ts`).
 */
import { describe, layer } from "@effect/vitest"
import * as TestDatabase from "@enamel/persistence/testing"
import { fullRuns, fuzzEveryEndpoint, oversizedBodies } from "./fuzz/run.js"
import { testApi } from "./harness.js"

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const runs = Number(process.env.FUZZ_RUNS ?? fullRuns)

describe("fuzzing every endpoint", () => {
  layer(testApi(TestDatabase.layer), { timeout: 300_000, excludeTestServices: true })((it) => {
    it.effect(
      `${runs} seeded cases (FUZZ_SEED=${seed}): no 5xx, every 4xx names the problem`,
      () => fuzzEveryEndpoint(runs, seed),
      240_000
    )

    it.effect(
      "oversized bodies are refused with 413, declared or chunked, and the server serves on",
      () => oversizedBodies
    )
  })
})
