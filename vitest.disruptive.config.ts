import { defineConfig } from "vitest/config"

/**
 * The disruptive phase: tests that restart shared services (RabbitMQ, PostgreSQL). They run after the
 * main suite, one file at a time, so they disturb no other test.
 */
export default defineConfig({
  test: {
    include: ["test/disruptive/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ["default", ["json", { outputFile: ".enamel/test-results-disruptive.json" }]]
  }
})
