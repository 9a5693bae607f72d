import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // Tests that restart shared services run afterwards, alone (vitest.disruptive.config.ts).
    exclude: ["test/disruptive/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".enamel/test-results.json" }]]
  }
})
