/**
 * `enamel network show|delete` in the fast tier, against Enamel in memory (see support/inMemory.ts): bad
 * command lines refused before any call; alice's network read back in its three formats; a delete the
 * API refuses while a server's port is on the network, naming the port, and one of no such network.
 */
import { describe, expect, layer } from "@effect/vitest"
import { NetworkShow, ServerShow } from "@enamel/domain/flows"
import { Effect, Schema } from "effect"
import { ExitCode } from "../src/exit.js"
import { enamel, refusedBeforeAnyCall, World, WorldLive } from "./support/inMemory.js"

const NetworkJson = Schema.parseJson(NetworkShow.NetworkResponse)
const ServerJson = Schema.parseJson(ServerShow.ServerResponse)

const other = "00000000-0000-4000-8000-000000000000"

layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel network …", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [["network", "delete", "private"], "network private: must be an id"],
      [["network", "show", "private"], "network private: must be an id"],
      [
        ["network", "delete", other, "--idempotency-key", "k".repeat(256)],
        "--idempotency-key: must be 1 to 255 characters, not 256"
      ]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  describe("against Enamel in memory", () => {
    it.effect("network show, then a delete refused while the server's port is on it, naming the port", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("on-net")
        const server = yield* enamel(["server", "show", made.serverId, "-f", "json"])
        const { server: shownServer } = yield* Schema.decodeUnknown(ServerJson)(server.stdout)
        const networkId = shownServer.ports[0]?.network_id ?? ""

        const json = yield* enamel(["network", "show", networkId, "-f", "json"])
        expect([json.code, json.stderr]).toEqual([0, ""])
        const { network } = yield* Schema.decodeUnknown(NetworkJson)(json.stdout)
        expect([network.id, network.name, network.task_id]).toEqual([networkId, "private", null])
        expect(network.subnets.map((s) => s.cidr)).toEqual(["10.0.1.0/24"])
        expect(network.ports.find((p) => p.id === made.portId)).toMatchObject({
          device_owner: "compute:nova",
          device_id: made.serverId,
          task_id: null
        })

        const table = yield* enamel(["network", "show", networkId])
        expect(table.code).toBe(0)
        expect(table.stdout).toMatch(/\| name +\| private +\|/)
        expect(table.stdout).toMatch(
          new RegExp(`\\| ${made.portId} \\| compute:nova +\\| ${made.serverId} \\|`)
        )

        const values = yield* enamel(["network", "show", networkId, "-f", "value"])
        expect(values.stdout.split("\n").slice(0, 2)).toEqual([networkId, "private"])

        const refused = yield* enamel(["network", "delete", networkId])
        expect(refused.code).toBe(ExitCode.failed)
        expect(refused.stderr).toContain(`${made.portId} (compute:nova, device ${made.serverId})`)
        expect(refused.stderr).toContain("code network.in_use, HTTP 409")

        const missing = yield* enamel(["network", "delete", other])
        expect(missing.code).toBe(ExitCode.failed)
        expect(missing.stderr).toMatch(
          new RegExp(
            `^Error: network ${other} not found\\n {2}code network\\.not_found, HTTP 404, request id req-`
          )
        )
      })
    )
  })
})
