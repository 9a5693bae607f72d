/**
 * `enamel server resize` in the fast tier, against Enamel in memory (see support/inMemory.ts): bad command
 * lines refused before any call, the body it sends (read back from the task's params), --wait to the end,
 * and the API's refusals (the flavor the server has, a flavor that does not exist).
 */
import { describe, expect, layer } from "@effect/vitest"
import { TaskDetailView, TaskView } from "@enamel/domain/contract"
import { Effect, Schema } from "effect"
import { ExitCode } from "../src/exit.js"
import { enamel, refusedBeforeAnyCall, World, WorldLive } from "./support/inMemory.js"

const TaskJson = Schema.parseJson(TaskView)
const TaskDetailJson = Schema.parseJson(TaskDetailView)

const server = "3f6c2a34-8d2b-4c5e-9a0f-1b2c3d4e5f60"

layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel server resize", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [["server", "resize", server], "Expected to find option: '--flavor'"],
      [["server", "resize", server, "--flavor", ""], "--flavor: "],
      [["server", "resize", server, "--flavor", "m1.small", "--priority", "10"], "--priority: must be"],
      [["server", "resize", "web", "--flavor", "m1.small"], "server web: must be an id"],
      [
        ["server", "resize", server, "--flavor", "m1.small", "--idempotency-key", ""],
        "--idempotency-key: must be 1 to 255 characters, not 0"
      ]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  describe("against Enamel in memory", () => {
    it.effect("sends the flavor and priority; --wait -f json prints the final task; exit 0", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("resize")
        const keyed = [
          "server",
          "resize",
          made.serverId,
          "--flavor",
          "m1.small",
          "--priority",
          "7",
          "--idempotency-key",
          "resize-1"
        ]
        const accepted = yield* enamel([...keyed, "-f", "json"])
        expect([accepted.code, accepted.stderr]).toEqual([0, ""])
        const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        expect([task.type, task.priority]).toEqual(["server.resize", 7])
        expect(task.params).toMatchObject({ server_id: made.serverId, flavor: "m1.small" })
        // The same key and flags: the same task.
        const again = yield* enamel([...keyed, "-f", "value"])
        expect(again.stdout.split("\n")[0]).toBe(task.id)
        const waited = yield* enamel([
          "server",
          "resize",
          made.serverId,
          "--flavor",
          "m1.small",
          "--wait",
          "-f",
          "json"
        ])
        expect([waited.code, waited.stderr]).toEqual([0, ""])
        const final = yield* Schema.decodeUnknown(TaskDetailJson)(waited.stdout)
        expect([final.type, final.state]).toEqual(["server.resize", "SUCCEEDED"])
        expect(final.timeline.map((e) => e.stage)).toContain("confirmResize")
      })
    )

    it.effect("the flavor it has is 409, a flavor that does not exist 404, each named", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("resize-refused")
        const same = yield* enamel(["server", "resize", made.serverId, "--flavor", "m1.tiny"])
        expect(same.code).toBe(ExitCode.failed)
        expect(same.stderr).toContain("m1.tiny")
        expect(same.stderr).toMatch(/code server\.flavor_unchanged, HTTP 409, request id req-/)
        const none = yield* enamel(["server", "resize", made.serverId, "--flavor", "m9.huge"])
        expect(none.code).toBe(ExitCode.failed)
        expect(none.stderr).toContain("flavor m9.huge not found")
        expect(none.stderr).toMatch(/code flavor\.not_found, HTTP 404, request id req-/)
      })
    )
  })
})
