/**
 * `enamel server volume|interface|floating-ip add|remove` and `server show` in the fast tier, against
 * Enamel in memory (see support/inMemory.ts): bad command lines refused before any call, the body each
 * command sends (read back from the task's params), --wait to the end, the API's refusals, and the
 * server read back in its three formats.
 */
import { describe, expect, layer } from "@effect/vitest"
import { TaskDetailView, TaskView } from "@enamel/domain/contract"
import { ServerShow } from "@enamel/domain/flows"
import { Effect, Schema } from "effect"
import { ExitCode } from "../src/exit.js"
import { enamel, refusedBeforeAnyCall, World, WorldLive } from "./support/inMemory.js"

const TaskJson = Schema.parseJson(TaskView)
const TaskDetailJson = Schema.parseJson(TaskDetailView)
const ServerJson = Schema.parseJson(ServerShow.ServerResponse)

const server = "3f6c2a34-8d2b-4c5e-9a0f-1b2c3d4e5f60"
const other = "00000000-0000-4000-8000-000000000000"

layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel server …", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [["server", "volume", "add", server], "give --size GB or --snapshot S (a new volume) or --volume V"],
      [["server", "volume", "add", server, "--snapshot", "nightly"], "--snapshot nightly: must be an id"],
      [
        ["server", "create", "web", "--flavor", "m1.tiny", "--network", "private"],
        "give --image I, or --boot-snapshot SNAPSHOT"
      ],
      [
        [
          "server",
          "create",
          "web",
          "--image",
          "tiny",
          "--boot-snapshot",
          other,
          "--flavor",
          "m1.tiny",
          "--network",
          "private"
        ],
        "give --image I, or --boot-snapshot SNAPSHOT"
      ],
      [
        [
          "server",
          "create",
          "web",
          "--boot-snapshot",
          "nightly",
          "--flavor",
          "m1.tiny",
          "--network",
          "private"
        ],
        "--boot-snapshot nightly: must be an id"
      ],
      [
        [
          "server",
          "create",
          "web",
          "--image",
          "tiny",
          "--flavor",
          "m1.tiny",
          "--network",
          "auto,fixed-ip=10.0.0.5"
        ],
        'cannot be given with network "auto"'
      ],
      [["server", "volume", "add", server, "--size", "1", "--volume", other], "not both nor neither"],
      [["server", "volume", "add", server, "--size", "0"], "--size: must be"],
      [["server", "volume", "add", server, "--size", "1", "--priority", "12"], "--priority: must be"],
      [["server", "volume", "add", server, "--volume", "vol-1"], "--volume vol-1: must be an id"],
      [
        ["server", "volume", "add", server, "--volume", other, "--name", "n"],
        "--name: only for a new volume"
      ],
      [
        ["server", "volume", "add", server, "--size", "1", "--image", "tiny", "--snapshot", other],
        "give --image I or --snapshot S, not both"
      ],
      [["server", "volume", "add", "web", "--size", "1"], "server web: must be an id"],
      [["server", "volume", "remove", server, "vdb"], "volume vdb: must be an id"],
      [["server", "interface", "add", server], "give --network NET (a new port) or --port PORT"],
      [
        ["server", "interface", "add", server, "--port", other, "--fixed-ip", "10.0.0.5"],
        "--fixed-ip and --security-group: only for a new port"
      ],
      [
        ["server", "interface", "add", server, "--network", "private", "--fixed-ip", "10.0.0.300"],
        "--fixed-ip 10.0.0.300: is not an IPv4 or IPv6 address"
      ],
      [["server", "interface", "remove", server, "eth1"], "port eth1: must be an id"],
      [["server", "floating-ip", "add", server], "Expected to find option: '--network'"],
      [
        ["server", "floating-ip", "add", server, "--network", "public", "--port", "p"],
        "--port p: must be an id"
      ],
      [["server", "floating-ip", "remove", server, "172.24.4.7"], "floating IP 172.24.4.7: must be an id"],
      [
        ["server", "floating-ip", "add", server, "--network", "public", "--idempotency-key", "k".repeat(256)],
        "--idempotency-key: must be 1 to 255 characters, not 256"
      ],
      [["server", "show", "web"], "server web: must be an id"]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  describe("against Enamel in memory", () => {
    it.effect(
      "create --network auto asks for the project's default network, with its groups and floating IP",
      () =>
        Effect.gen(function* () {
          const accepted = yield* enamel([
            "server",
            "create",
            "auto-web",
            "--image",
            "tiny",
            "--flavor",
            "m1.tiny",
            "--network",
            "auto,security-group=default",
            "--floating-ip",
            "public",
            "-f",
            "json"
          ])
          expect([accepted.code, accepted.stderr]).toEqual([0, ""])
          const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
          expect(task.type).toBe("server.create")
          expect(task.params).toMatchObject({
            name: "auto-web",
            networks: [{ network: "auto", security_groups: ["default"], floating_ip: { network: "public" } }]
          })
        })
    )

    it.effect("volume add sends what the flags say; --wait -f json prints the final task; exit 0", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("vol-add")
        const accepted = yield* enamel([
          "server",
          "volume",
          "add",
          made.serverId,
          "--size",
          "2",
          "--name",
          "data",
          "--type",
          "fast",
          "--image",
          "tiny",
          "--priority",
          "7",
          "-f",
          "json"
        ])
        expect([accepted.code, accepted.stderr]).toEqual([0, ""])
        const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        expect([task.type, task.priority]).toEqual(["server.volume.attach", 7])
        expect(task.params).toMatchObject({
          server_id: made.serverId,
          size_gb: 2,
          name: "data",
          volume_type: "fast",
          image: "tiny"
        })
        const waited = yield* enamel([
          "server",
          "volume",
          "add",
          made.serverId,
          "--size",
          "1",
          "--wait",
          "-f",
          "json"
        ])
        expect([waited.code, waited.stderr]).toEqual([0, ""])
        const final = yield* Schema.decodeUnknown(TaskDetailJson)(waited.stdout)
        expect([final.type, final.state]).toEqual(["server.volume.attach", "SUCCEEDED"])
        expect(final.timeline.map((e) => e.stage)).toContain("attachVolume")
      })
    )

    it.effect("a restore from a snapshot alice does not have: the API's 404 for create and volume add", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("restore")
        const volume = yield* enamel(["server", "volume", "add", made.serverId, "--snapshot", other])
        expect(volume.code).toBe(ExitCode.failed)
        expect(volume.stderr).toContain(`snapshot ${other} not found`)
        expect(volume.stderr).toMatch(/code snapshot\.not_found, HTTP 404/)
        const create = yield* enamel([
          "server",
          "create",
          "restored",
          "--boot-snapshot",
          other,
          "--boot-volume",
          "2,delete-on-termination=false",
          "--flavor",
          "m1.tiny",
          "--network",
          "private"
        ])
        expect(create.code).toBe(ExitCode.failed)
        expect(create.stderr).toMatch(/code snapshot\.not_found, HTTP 404/)
      })
    )

    it.effect("volume add --volume and remove --wait: plain lines, then the final table", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("vol-remove")
        const brought = yield* enamel(["server", "volume", "add", made.serverId, "--volume", made.hers])
        // The volume is attached already: the API says so, with its code and request id.
        expect(brought.code).toBe(ExitCode.failed)
        expect(brought.stderr).toMatch(
          /code volume\.not_available, HTTP 409, request id req-[0-9a-f-]{36}\n$/
        )
        const removed = yield* enamel(["server", "volume", "remove", made.serverId, made.enamels, "--wait"])
        expect([removed.code, removed.stderr]).toEqual([0, ""])
        expect(removed.stdout).toMatch(/^ +\d+\.\ds {2}detachVolume +SUCCEEDED/m)
        expect(removed.stdout).toMatch(/task [0-9a-f-]{36}: SUCCEEDED \(server\.volume\.detach, /)
        // What the task gave back, under its timeline.
        const result: unknown = JSON.parse(/\nresult: (.*)\n$/.exec(removed.stdout)?.[1] ?? "null")
        expect(result).toEqual({ server_id: made.serverId, stage: "detachVolume" })
        const notThere = yield* enamel(["server", "volume", "remove", made.serverId, other])
        expect(notThere.code).toBe(ExitCode.failed)
        expect(notThere.stderr).toMatch(
          /^Error: .*\n {2}code volume\.not_attached, HTTP 404, request id req-/
        )
      })
    )

    it.effect(
      "--on-failure keep on a command without a body goes as ?on_failure=keep, not into the params",
      () =>
        Effect.gen(function* () {
          const made = yield* (yield* World).aliceServer("vol-keep")
          const removed = yield* enamel([
            "server",
            "volume",
            "remove",
            made.serverId,
            made.enamels,
            "--on-failure",
            "keep",
            "-f",
            "json"
          ])
          expect(removed.code).toBe(0)
          const task = yield* Schema.decodeUnknown(TaskJson)(removed.stdout)
          expect(task.on_failure).toBe("keep")
          expect(task.params).not.toHaveProperty("on_failure")
        })
    )

    it.effect("interface add sends the port's network, address, groups and floating IP; remove --wait", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("if-add")
        const accepted = yield* enamel([
          "server",
          "interface",
          "add",
          made.serverId,
          "--network",
          "private",
          "--fixed-ip",
          "10.0.1.50",
          "--security-group",
          "default",
          "--security-group",
          "web",
          "--floating-ip",
          "public",
          "--idempotency-key",
          "if-add-1",
          "-f",
          "json"
        ])
        expect([accepted.code, accepted.stderr]).toEqual([0, ""])
        const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        expect(task.type).toBe("server.interface.attach")
        expect(task.params).toMatchObject({
          server_id: made.serverId,
          network: "private",
          fixed_ip: "10.0.1.50",
          security_groups: ["default", "web"],
          floating_ip: { network: "public" },
          priority: 5
        })
        // The same key and flags: the same task, not a second one.
        const again = yield* enamel([
          "server",
          "interface",
          "add",
          made.serverId,
          "--network",
          "private",
          "--fixed-ip",
          "10.0.1.50",
          "--security-group",
          "default",
          "--security-group",
          "web",
          "--floating-ip",
          "public",
          "--idempotency-key",
          "if-add-1",
          "-f",
          "value"
        ])
        expect(again.stdout.split("\n")[0]).toBe(task.id)

        const byPort = yield* enamel(["server", "interface", "add", made.serverId, "--port", other])
        expect(byPort.code).toBe(0)
        expect(byPort.stdout).toMatch(/\| type +\| server\.interface\.attach +\|/)
        expect(byPort.stdout).toMatch(/Watch it: enamel task watch [0-9a-f-]{36}\n$/)

        const removed = yield* enamel([
          "server",
          "interface",
          "remove",
          made.serverId,
          made.portId,
          "--wait",
          "-f",
          "value"
        ])
        expect([removed.code, removed.stderr]).toEqual([0, ""])
        expect(removed.stdout.split("\n").slice(1, 4)).toEqual(["server.interface.detach", "1", "SUCCEEDED"])
        const notThere = yield* enamel(["server", "interface", "remove", made.serverId, other])
        expect(notThere.stderr).toMatch(/code port\.not_attached, HTTP 404, request id req-/)
      })
    )

    it.effect(
      "floating-ip add names the network and port; remove --wait; a port with one already is 409",
      () =>
        Effect.gen(function* () {
          const made = yield* (yield* World).aliceServer("fip-add")
          // Its only port has a floating IP: the API refuses, naming why.
          const full = yield* enamel(["server", "floating-ip", "add", made.serverId, "--network", "public"])
          expect(full.code).toBe(ExitCode.failed)
          expect(full.stderr).toMatch(/code floating_ip\.no_free_port, HTTP 409, request id req-/)
          const named = yield* enamel([
            "server",
            "floating-ip",
            "add",
            made.serverId,
            "--network",
            "public",
            "--port",
            made.portId,
            "--priority",
            "2",
            "-f",
            "json"
          ])
          expect([named.code, named.stderr]).toEqual([0, ""])
          const task = yield* Schema.decodeUnknown(TaskJson)(named.stdout)
          expect([task.type, task.priority]).toEqual(["server.floating_ip.attach", 2])
          expect(task.params).toMatchObject({
            server_id: made.serverId,
            network: "public",
            port: made.portId
          })

          const removed = yield* enamel([
            "server",
            "floating-ip",
            "remove",
            made.serverId,
            made.floatingIp.id,
            "--wait"
          ])
          expect([removed.code, removed.stderr]).toEqual([0, ""])
          expect(removed.stdout).toMatch(/task [0-9a-f-]{36}: SUCCEEDED \(server\.floating_ip\.detach, /)
          const notThere = yield* enamel(["server", "floating-ip", "remove", made.serverId, other])
          expect(notThere.stderr).toMatch(/code floating_ip\.not_attached, HTTP 404, request id req-/)
        })
    )

    it.effect("server show: its volumes and ports and who made each, as a table, JSON and values", () =>
      Effect.gen(function* () {
        const made = yield* (yield* World).aliceServer("show")
        const json = yield* enamel(["server", "show", made.serverId, "-f", "json"])
        expect([json.code, json.stderr]).toEqual([0, ""])
        const { server: shown } = yield* Schema.decodeUnknown(ServerJson)(json.stdout)
        expect([shown.id, shown.name, shown.status]).toEqual([made.serverId, "show", "ACTIVE"])
        expect(shown.volumes.map((v) => [v.id, v.task_id]).sort()).toEqual(
          [
            [made.enamels, made.task],
            [made.hers, null]
          ].sort()
        )
        expect(shown.ports.map((p) => p.id)).toEqual([made.portId])

        const table = yield* enamel(["server", "show", made.serverId])
        expect(table.code).toBe(0)
        expect(table.stdout).toMatch(/\| status +\| ACTIVE +\|/)
        expect(table.stdout).toMatch(/\| flavor +\| m1\.tiny \(/)
        expect(table.stdout).toMatch(
          new RegExp(`\\| ${made.enamels} \\| /dev/vd[bc] +\\| +2 \\| false \\| ${made.task} \\|`)
        )
        expect(table.stdout).toMatch(
          new RegExp(`\\| ${made.hers} \\| /dev/vd[bc] +\\| +1 \\| false \\| - +\\|`)
        )
        expect(table.stdout).toMatch(
          new RegExp(
            `\\| ${made.portId} \\| [0-9a-f-]{36} \\| 10\\.0\\.1\\.\\d+ +\\| default +\\| ${made.floatingIp.address.replaceAll(".", "\\.")} \\(${made.floatingIp.id}, task -\\) \\| - +\\|`
          )
        )

        const values = yield* enamel(["server", "show", made.serverId, "-f", "value"])
        expect(values.stdout.split("\n").slice(0, 3)).toEqual([made.serverId, "show", "ACTIVE"])

        const missing = yield* enamel(["server", "show", other])
        expect(missing.code).toBe(ExitCode.failed)
        expect(missing.stderr).toMatch(
          new RegExp(
            `^Error: server ${other} not found\\n {2}code server\\.not_found, HTTP 404, request id req-`
          )
        )
      })
    )
  })
})
