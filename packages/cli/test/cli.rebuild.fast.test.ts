/**
 * `enamel server rebuild` in the fast tier, against Enamel in memory (see support/inMemory.ts): bad command
 * lines refused before any call, the body it sends (read back from the task's params; the in-memory
 * worker has no stand-in for server.rebuild, whose flow the domain's checklist runs on the double), and
 * the API's refusals (a server booted from its image, an
 * image or a server that does not exist).
 */
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, layer } from "@effect/vitest"
import { TaskView } from "@enamel/domain/contract"
import { Cinder, Nova, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import { TestCallers } from "../../api/test/harness.js"
import { ExitCode } from "../src/exit.js"
import { enamel, refusedBeforeAnyCall, World, WorldLive } from "./support/inMemory.js"

const TaskJson = Schema.parseJson(TaskView)

/** An ACTIVE server of alice's in the cloud double, booted from a 1 GiB volume of `tiny`. */
const aliceVolumeServer = (name: string) =>
  Effect.gen(function* () {
    const seeded = yield* Effect.flatMap(CloudDouble.CloudDouble, (cloud) => cloud.seeded)
    const alice = (yield* TestCallers).alice.session
    return yield* Effect.gen(function* () {
      const volume = yield* Cinder.createVolume({
        size: 1,
        name: `${name}-boot`,
        imageId: seeded.images.tiny ?? ""
      })
      yield* Cinder.waitForVolumeAvailable(volume.id)
      const created = yield* Nova.createServer({
        name,
        flavorId: seeded.flavors["m1.tiny"] ?? "",
        networks: "none",
        blockDevices: [{ sourceType: "volume", destinationType: "volume", uuid: volume.id, bootIndex: 0 }]
      })
      yield* Nova.waitForServerActive(created.id)
      return { id: created.id, volume_id: volume.id }
    }).pipe(Effect.provideService(Session, alice), Effect.orDie)
  })

const server = "3f6c2a34-8d2b-4c5e-9a0f-1b2c3d4e5f60"

layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel server rebuild", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [["server", "rebuild", server], "Expected to find option: '--image'"],
      [["server", "rebuild", server, "--image", ""], "--image: "],
      [["server", "rebuild", server, "--image", "tiny", "--priority", "10"], "--priority: must be"],
      [["server", "rebuild", "web", "--image", "tiny"], "server web: must be an id"],
      [
        ["server", "rebuild", server, "--image", "tiny", "--idempotency-key", ""],
        "--idempotency-key: must be 1 to 255 characters, not 0"
      ]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  describe("against Enamel in memory", () => {
    it.effect(
      "an unknown image is 404; the image, user data and priority sent; the same key gives the same task",
      () =>
        Effect.gen(function* () {
          const serverId = yield* aliceVolumeServer("rebuilt")
          const noImage = yield* enamel(["server", "rebuild", serverId.id, "--image", "no-such-image"])
          expect(noImage.code).toBe(ExitCode.failed)
          expect(noImage.stderr).toContain("image no-such-image not found")
          expect(noImage.stderr).toMatch(/code image\.not_found, HTTP 404, request id req-/)
          const userData = join(tmpdir(), `enamel-rebuild-${crypto.randomUUID()}.yaml`)
          writeFileSync(userData, "#cloud-config\n")
          const keyed = [
            "server",
            "rebuild",
            serverId.id,
            "--image",
            "tiny",
            "--user-data",
            userData,
            "--priority",
            "7",
            "--idempotency-key",
            "rebuild-1"
          ]
          const accepted = yield* enamel([...keyed, "-f", "json"])
          expect([accepted.code, accepted.stderr]).toEqual([0, ""])
          const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
          expect([task.type, task.priority]).toEqual(["server.rebuild", 7])
          expect(task.params).toMatchObject({
            server_id: serverId.id,
            image: "tiny",
            user_data: "#cloud-config\n"
          })
          // The same key and flags: the same task.
          const again = yield* enamel([...keyed, "-f", "value"])
          expect(again.stdout.split("\n")[0]).toBe(task.id)
        })
    )

    it.effect("a server booted from its image is 409, a server that does not exist 404", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("rebuild-refused")
        const imageBacked = yield* enamel(["server", "rebuild", made.serverId, "--image", "tiny"])
        expect(imageBacked.code).toBe(ExitCode.failed)
        expect(imageBacked.stderr).toContain("does not boot from a volume")
        expect(imageBacked.stderr).toMatch(/code server\.not_volume_backed, HTTP 409, request id req-/)
        const other = "00000000-0000-4000-8000-000000000000"
        const missing = yield* enamel(["server", "rebuild", other, "--image", "tiny"])
        expect(missing.code).toBe(ExitCode.failed)
        expect(missing.stderr).toMatch(/code server\.not_found, HTTP 404, request id req-/)
      })
    )
  })
})
