import { defineConfig } from "vitest/config"

/**
 * The main tier: every test that needs a real service (PostgreSQL, RabbitMQ, the dev cloud). The fast
 * tier (`*.fast.test.ts`, vitest.fast.config.ts) runs before it, and the tests that restart shared
 * services after it, alone (vitest.disruptive.config.ts). No retries: a test that fails once is a bug.
 */
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/*.fast.test.ts", "test/disruptive/**", "test/hosts/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".enamel/test-results.json" }]]
  }
})
