/**
 * `enamel server backup create|list|delete` in the fast tier, against Enamel in memory (see
 * support/inMemory.ts): bad command lines refused before any call, the body `create` sends (read back from
 * the task's params), --wait to the end, the API's refusals, and the server's sets listed in the three
 * formats; and `server delete --delete-backups`, which a server with backups needs.
 */
import { describe, expect, layer } from "@effect/vitest"
import { TaskDetailView, TaskView } from "@enamel/domain/contract"
import { ServerBackupList } from "@enamel/domain/flows"
import { Effect, Schema } from "effect"
import { ExitCode } from "../src/exit.js"
import { enamel, refusedBeforeAnyCall, World, WorldLive } from "./support/inMemory.js"

const TaskJson = Schema.parseJson(TaskView)
const TaskDetailJson = Schema.parseJson(TaskDetailView)
const BackupsJson = Schema.parseJson(ServerBackupList.BackupListResponse)

const server = "3f6c2a34-8d2b-4c5e-9a0f-1b2c3d4e5f60"
const other = "00000000-0000-4000-8000-000000000000"

layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel server backup …", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [["server", "backup", "create", server], "Expected to find option: '--name'"],
      [["server", "backup", "create", server, "--name", ""], "--name: "],
      [["server", "backup", "create", server, "--name", "n", "--rotation", "0"], "--rotation: must be"],
      [["server", "backup", "create", server, "--name", "n", "--rotation", "101"], "--rotation: must be"],
      [["server", "backup", "create", server, "--name", "n", "--volumes", "data"], "--volumes: "],
      [["server", "backup", "create", server, "--name", "n", "--priority", "12"], "--priority: must be"],
      [["server", "backup", "create", "web", "--name", "n"], "server web: must be an id"],
      [["server", "backup", "list", "web"], "server web: must be an id"],
      [["server", "backup", "delete", server, "nightly"], "backup nightly: must be an id"],
      [
        ["server", "backup", "delete", server, other, "--idempotency-key", "k".repeat(256)],
        "--idempotency-key: must be 1 to 255 characters, not 256"
      ]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  describe("against Enamel in memory", () => {
    it.effect("create sends what the flags say; --wait -f json prints the final task; boot is refused", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("backup-create")
        const accepted = yield* enamel([
          "server",
          "backup",
          "create",
          made.serverId,
          "--name",
          "nightly",
          "--rotation",
          "3",
          "--volumes",
          "all",
          "--priority",
          "7",
          "-f",
          "json"
        ])
        expect([accepted.code, accepted.stderr]).toEqual([0, ""])
        const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        expect([task.type, task.priority]).toEqual(["server.backup", 7])
        expect(task.params).toMatchObject({
          server_id: made.serverId,
          name: "nightly",
          rotation: 3,
          volumes: "all"
        })
        const waited = yield* enamel([
          "server",
          "backup",
          "create",
          made.serverId,
          "--name",
          "n",
          "--wait",
          "-f",
          "json"
        ])
        expect([waited.code, waited.stderr]).toEqual([0, ""])
        const final = yield* Schema.decodeUnknown(TaskDetailJson)(waited.stdout)
        expect([final.type, final.state]).toEqual(["server.backup", "SUCCEEDED"])
        expect(final.timeline.map((e) => e.stage)).toContain("createSnapshots")
        // The server boots from an image: it has no boot volume, and the API says so.
        const boot = yield* enamel([
          "server",
          "backup",
          "create",
          made.serverId,
          "--name",
          "n",
          "--volumes",
          "boot"
        ])
        expect(boot.code).toBe(ExitCode.failed)
        expect(boot.stderr).toMatch(
          new RegExp(
            `^Error: server ${made.serverId} has no boot volume .*\\n {2}code backup\\.no_volume, HTTP 409, request id req-`
          )
        )
      })
    )

    it.effect("list: the server's sets as a table, JSON and values", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("backup-list")
        const json = yield* enamel(["server", "backup", "list", made.serverId, "-f", "json"])
        expect([json.code, json.stderr]).toEqual([0, ""])
        const { backups } = yield* Schema.decodeUnknown(BackupsJson)(json.stdout)
        expect(backups).toEqual([
          {
            backup_id: made.backup.id,
            name: "nightly",
            created_at: expect.any(String),
            snapshots: [
              {
                volume_id: made.hers,
                snapshot_id: made.backup.snapshotId,
                device: "/dev/vdc",
                status: "available"
              }
            ]
          }
        ])
        const table = yield* enamel(["server", "backup", "list", made.serverId])
        expect(table.code).toBe(0)
        expect(table.stdout).toMatch(
          /\| Backup +\| Name +\| Created at +\| Device +\| Volume +\| Snapshot +\| Status +\|/
        )
        expect(table.stdout).toMatch(
          new RegExp(
            `\\| ${made.backup.id} \\| nightly \\| .+ \\| /dev/vdc \\| ${made.hers} \\| ${made.backup.snapshotId} \\| available \\|`
          )
        )
        const values = yield* enamel(["server", "backup", "list", made.serverId, "-f", "value"])
        expect(values.stdout).toMatch(new RegExp(`^${made.backup.id} nightly \\S+\\n$`))
        const missing = yield* enamel(["server", "backup", "list", other])
        expect(missing.code).toBe(ExitCode.failed)
        expect(missing.stderr).toMatch(/code server\.not_found, HTTP 404, request id req-/)
      })
    )

    it.effect(
      "delete --wait: plain lines, then the final table; a backup the server does not have: 404",
      () =>
        Effect.gen(function* () {
          const made = yield* (yield* World).aliceServer("backup-delete")
          const removed = yield* enamel([
            "server",
            "backup",
            "delete",
            made.serverId,
            made.backup.id,
            "--wait"
          ])
          expect([removed.code, removed.stderr]).toEqual([0, ""])
          expect(removed.stdout).toMatch(/^ +\d+\.\ds {2}deleteSnapshots +SUCCEEDED/m)
          expect(removed.stdout).toMatch(/task [0-9a-f-]{36}: SUCCEEDED \(server\.backup\.delete, /)
          const notThere = yield* enamel(["server", "backup", "delete", made.serverId, other])
          expect(notThere.code).toBe(ExitCode.failed)
          expect(notThere.stderr).toMatch(
            new RegExp(
              `^Error: server ${made.serverId} has no backup ${other}\\n {2}code backup\\.not_found, HTTP 404, request id req-`
            )
          )
        })
    )

    it.effect(
      "server delete of a server with backups: refused naming them; --delete-backups sends the flag",
      () =>
        Effect.gen(function* () {
          const made = yield* (yield* World).aliceServer("delete-backed-up")
          const refused = yield* enamel(["server", "delete", made.serverId])
          expect(refused.code).toBe(ExitCode.failed)
          expect(refused.stderr).toMatch(
            new RegExp(
              `^Error: server ${made.serverId} has backups ${made.backup.id}, .*delete_backups=true\\)\n {2}code server\\.has_backups, HTTP 409, request id req-`
            )
          )
          const accepted = yield* enamel([
            "server",
            "delete",
            made.serverId,
            "--delete-backups",
            "-f",
            "json"
          ])
          expect([accepted.code, accepted.stderr]).toEqual([0, ""])
          const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
          expect([task.type, task.params]).toEqual([
            "server.delete",
            { server_id: made.serverId, delete_backups: true }
          ])
        })
    )
  })
})
