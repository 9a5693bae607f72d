/**
 * `enamel network create` in the fast tier, against Enamel in memory (see support/inMemory.ts; the task
 * runs a stand-in that echoes its params): bad command lines refused before any call, the body it sends,
 * --wait to the end, and the API's refusals (an external network that does not exist, a CIDR the project
 * uses).
 */
import { describe, expect, layer } from "@effect/vitest"
import { TaskDetailView, TaskView } from "@enamel/domain/contract"
import { Effect, Schema } from "effect"
import { ExitCode } from "../src/exit.js"
import { enamel, refusedBeforeAnyCall, WorldLive } from "./support/inMemory.js"

const TaskJson = Schema.parseJson(TaskView)
const TaskDetailJson = Schema.parseJson(TaskDetailView)

layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel network create", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [["network", "create"], "Missing argument <NAME>"],
      [["network", "create", "lab", "--cidr", "10.0.5.1/24"], "--cidr: 10.0.5.1/24 is not a network address"],
      [["network", "create", "lab", "--cidr", "10.0.5.0"], "--cidr: 10.0.5.0 has no prefix length"],
      [["network", "create", "lab", "--ip-version", "6"], "--cidr: is required with ip_version 6"],
      [["network", "create", "lab", "--ip-version", "5"], "Expected one of the following cases: 4, 6"],
      [["network", "create", "lab", "--dns-nameserver", "dns.example.com"], "--dns-nameserver"],
      [["network", "create", "lab", "--priority", "10"], "--priority: must be"]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  describe("against Enamel in memory", () => {
    it.effect("sends every flag; --wait -f json prints the final task; exit 0", () =>
      Effect.gen(function* () {
        const flags = [
          "network",
          "create",
          "lab",
          "--cidr",
          "10.0.5.0/24",
          "--external-network",
          "public",
          "--dns-nameserver",
          "9.9.9.9",
          "--dns-nameserver",
          "1.1.1.1",
          "--priority",
          "7"
        ]
        const accepted = yield* enamel([...flags, "-f", "json"])
        expect([accepted.code, accepted.stderr]).toEqual([0, ""])
        const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        expect([task.type, task.priority]).toEqual(["network.create", 7])
        expect(task.params).toEqual({
          name: "lab",
          cidr: "10.0.5.0/24",
          external_network: "public",
          dns_nameservers: ["9.9.9.9", "1.1.1.1"],
          ip_version: 4,
          priority: 7
        })
        const waited = yield* enamel(["network", "create", "lab2", "--wait", "-f", "json"])
        expect([waited.code, waited.stderr]).toEqual([0, ""])
        const final = yield* Schema.decodeUnknown(TaskDetailJson)(waited.stdout)
        expect([final.type, final.state]).toEqual(["network.create", "SUCCEEDED"])
        expect(final.params).toEqual({ name: "lab2", ip_version: 4, priority: 5 })
      })
    )

    it.effect("--dry-run prints the plan (a table, or the API's answer with -f json) and makes no task", () =>
      Effect.gen(function* () {
        const planned = yield* enamel(["network", "create", "dry", "--cidr", "10.0.9.0/24", "--dry-run"])
        expect([planned.code, planned.stderr]).toEqual([0, ""])
        expect(planned.stdout).toContain("Dry run of network.create: nothing was created.")
        expect(planned.stdout).toContain("Would create: 1 network, 1 subnet, 1 router, 1 port")
        expect(planned.stdout).toMatch(/network\s+\|\s+router\s+\|\s+20\s+\|/)
        const json = yield* enamel(["network", "create", "dry", "--dry-run", "-f", "json"])
        expect([json.code, json.stderr]).toEqual([0, ""])
        expect(JSON.parse(json.stdout)).toMatchObject({
          dry_run: { type: "network.create", creates: { network: 1, subnet: 1, router: 1, port: 1 } }
        })
        const tasks = yield* enamel(["task", "list", "-f", "json"])
        expect(JSON.stringify(JSON.parse(tasks.stdout))).not.toContain('"dry"')
      })
    )

    it.effect("an external network that does not exist is 404, a CIDR the project uses 409, each named", () =>
      Effect.gen(function* () {
        const nowhere = yield* enamel(["network", "create", "lab", "--external-network", "nowhere"])
        expect(nowhere.code).toBe(ExitCode.failed)
        expect(nowhere.stderr).toContain("external network nowhere not found")
        expect(nowhere.stderr).toMatch(/code network\.external_not_found, HTTP 404/)
        const taken = yield* enamel(["network", "create", "lab", "--cidr", "10.0.1.0/24"])
        expect(taken.code).toBe(ExitCode.failed)
        expect(taken.stderr).toContain("10.0.1.0/24 overlaps subnet private-subnet")
        expect(taken.stderr).toMatch(/code network\.cidr_overlaps, HTTP 409/)
      })
    )
  })
})
