/**
 * The fuzzer in the fast tier: every endpoint of the contract over in-memory services (PGlite, the
 * in-process broker, the cloud double), 625 of the full run's 14,300 cases (FUZZ_RUNS changes it), so
 * that the whole tier stays under a minute. The full run, over the real PostgreSQL, is `fuzz.test.ts`;
 * what is judged is `fuzz/verdict.ts`.
 */
import { describe, layer } from "@effect/vitest"
import { fuzzEveryEndpoint, oversizedBodies } from "./fuzz/run.js"
import { TestApi } from "./harness.js"

const fastRuns = 625

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const runs = Number(process.env.FUZZ_RUNS ?? fastRuns)

describe("fuzzing every endpoint (fast tier)", () => {
  layer(TestApi, { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect(
      `${runs} seeded cases (FUZZ_SEED=${seed}): no 5xx, every 4xx names the problem`,
      () => fuzzEveryEndpoint(runs, seed),
      60_000
    )

    it.effect(
      "oversized bodies are refused with 413, declared or chunked, and the server serves on",
      () => oversizedBodies
    )
  })
})
