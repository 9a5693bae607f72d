import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

/**
 * The fast tier (`corepack pnpm test:fast`): tests that need no server, run in under a minute with
 * PostgreSQL, RabbitMQ and the dev cloud unreachable. They may use PGlite, the in-process broker and the
 * in-memory cloud double; scripts/test.sh runs them first with every service's address on a closed port.
 */
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.fast.test.ts", "test/**/*.fast.test.ts"],
    exclude: ["**/node_modules/**"],
    // Loading the modules again for every file was most of the tier's time: the files of a worker share
    // them. No test may rely on a module's state from another file; the setup file undoes the one library
    // that leaks (see there).
    isolate: false,
    setupFiles: ["test/support/effectVitestMethods.ts"],
    // Vitest's default (one worker fewer than CPUs) is a single worker on a 2-CPU machine; the tier is
    // mostly CPU (loading modules, PGlite), so it uses every CPU.
    maxWorkers: Math.max(2, availableParallelism()),
    // As in the main tier: the tier's own budget (scripts/test.sh) is what keeps it fast; a per-test limit
    // this tight would only fail tests on a loaded machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".enamel/test-results-fast.json" }]]
  }
})
