import { defineConfig } from "vitest/config"

/**
 * The hosts soak (scripts/soak-hosts.sh): the deployment of the hosts phase under ENAMEL_SOAK_MINUTES of
 * random faults. Run by hand, not in CI. Needs root, like the hosts phase.
 */
export default defineConfig({
  test: {
    include: ["test/hosts/**/*.soak.ts"],
    fileParallelism: false,
    testTimeout: 24 * 3_600_000,
    hookTimeout: 600_000,
    reporters: ["default"]
  }
})
