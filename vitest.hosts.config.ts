import { defineConfig } from "vitest/config"

/**
 * The hosts phase: Enamel deployed across network namespaces (test/hosts/), two APIs behind HAProxy and
 * three workers, with faults of the network made by iptables. Needs root; runs after the disruptive phase,
 * one file at a time. No retries: a test that fails once is a bug.
 */
export default defineConfig({
  test: {
    include: ["test/hosts/**/*.hosts.test.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ["default", ["json", { outputFile: ".enamel/test-results-hosts.json" }]]
  }
})
