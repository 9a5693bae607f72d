import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // Tests that restart shared services run afterwards, alone (vitest.disruptive.config.ts).
    exclude: ["test/disruptive/**", "**/node_modules/**"],
    testTimeout: 60_000,
    // The real-cloud tests share one small dev cloud (2 cores, one neutron API worker) while running in
    // parallel; rarely a call fails there for reasons outside Enamel (e.g. a server the loaded scheduler
    // puts in ERROR). A failed test runs once more; failing twice fails the suite, and vitest reports
    // every retry in its output.
    retry: 1,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".enamel/test-results.json" }]]
  }
})
