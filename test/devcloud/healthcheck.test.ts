/**
 * The dev cloud's own health check, run as part of the suite: a server booted from a volume with a port
 * and a floating IP through the real APIs, then everything deleted and shown gone.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)

interface CheckReport {
  readonly ok: boolean
  readonly total_s: number
  readonly timings: Record<string, number>
  readonly leftovers: Record<string, number>
}

describe("dev cloud health check", () => {
  it("boots a server from a volume with a port and a floating IP, deletes it all, and leaves nothing", async () => {
    const { stdout } = await run("devcloud/devcloud", ["check"], { timeout: 180_000 })
    const report: CheckReport = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")
    expect(report.ok).toBe(true)
    expect(report.leftovers).toEqual({ server: 0, volume: 0, port: 0, floating_ip: 0 })
    for (const step of [
      "volume_available",
      "port_create",
      "floating_ip_create",
      "server_active",
      "delete_all"
    ]) {
      expect(report.timings[step]).toBeGreaterThan(0)
    }
  }, 200_000)
})
