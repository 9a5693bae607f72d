import { describe, expect, layer } from "@effect/vitest"
import { Admin, TaskDetailView, TaskView } from "@enamel/domain/contract"
import { Effect, Fiber, Schema } from "effect"
import { eventually } from "../../../test/support/poll.js"
import { codeOfExit, ExitCode } from "../src/exit.js"
import { makeMemory } from "../src/render/Output.js"
import { asAdmin, enamel, enamelTo, refusedBeforeAnyCall, World, WorldLive } from "./support/inMemory.js"

// `-f json` prints the API's own views, one JSON document each.
const TaskJson = Schema.parseJson(TaskView)
const TaskDetailJson = Schema.parseJson(TaskDetailView)
const TaskListJson = Schema.parseJson(Schema.Array(TaskView))
const TopicJson = Schema.parseJson(Admin.TopicView)
const TopicsJson = Schema.parseJson(Schema.Array(Admin.TopicView))

// "cursor up N lines, clear to the end": how the live view redraws (a literal escape in a regular
// expression is a lint error, hence the constructor).
const esc = String.fromCharCode(27)
const cursorUpAndClear = new RegExp(`${esc}\\[\\d+F${esc}\\[J`)

const create = (name: string, ...more: ReadonlyArray<string>) => [
  "server",
  "create",
  name,
  "--image",
  "tiny",
  "--flavor",
  "m1.tiny",
  "--network",
  "private",
  ...more
]

const taskIdIn = (text: string) => /task ([0-9a-f-]{36})/.exec(text)?.[1] ?? ""

// One Enamel in memory (PGlite, a worker, the stand-in Keystone) for the whole file.
layer(WorldLive, { timeout: 120_000, excludeTestServices: true })("enamel", (it) => {
  describe("refusing a bad command line before any call", () => {
    it.effect.each([
      [
        create("web", "--network", "private,fixed-ip=10.0.0.300"),
        "fixed-ip=10.0.0.300 is not an IPv4 or IPv6 address"
      ],
      [create("web", "--boot-volume", "big"), "--boot-volume big: the size must be a whole number of GB"],
      [create("web", "--network", "private,color=red"), 'unknown key "color"'],
      [create("web", "--property", "novalue"), "--property novalue: must be KEY=VALUE"],
      [create("web", "--count", "30"), "--count: must be an integer from 1 to 20, not 30"],
      [["server", "create", "web", "--image", "tiny", "--flavor", "m1.tiny"], "give at least one --network"],
      [["server", "delete", "not-a-uuid"], "server not-a-uuid: must be an id"],
      [["task", "show", "42"], "task 42: must be an id"],
      [["task", "list", "--all", "--state", "FAILED"], "give --state S or --all, not both"],
      [["task", "list", "--limit", "0"], "--limit 0: must be from 1 to 1000"],
      [["task", "list", "--resource", "web"], "resource web: must be an id"],
      [
        ["admin", "topic", "set", "server.create", "--pause", "--resume"],
        "give --pause or --resume, not both"
      ],
      [["admin", "topic", "set", "server.create"], "nothing to set"],
      [["task", "list", "--state", "DONE"], "Expected one of the following cases"],
      [["task", "list", "-f", "yaml"], "Expected one of the following cases"],
      [["task", "frobnicate"], "Invalid subcommand"]
    ] as const)("%j", ([args, message]) => refusedBeforeAnyCall(args, message))
  })

  it.effect("--help describes a command on stdout, without escapes off a terminal, and calls nothing", () =>
    Effect.gen(function* () {
      const world = yield* World
      const before = yield* world.keystoneRequests
      const run = yield* enamel(["server", "create", "--help", "-f", "json"])
      expect([run.code, run.stderr]).toEqual([ExitCode.ok, ""])
      expect(run.stdout).toContain("--boot-volume SIZE_GB[,type=T][,delete-on-termination=false]")
      expect(run.stdout).not.toContain(esc)
      expect(yield* world.keystoneRequests).toBe(before)
    })
  )

  describe("against Enamel in memory", () => {
    it.effect("server create --wait -f json prints exactly the final task as JSON, and exits 0", () =>
      Effect.gen(function* () {
        const run = yield* enamel([...create("web", "--count", "2"), "--wait", "-f", "json"])
        expect([run.code, run.stderr]).toEqual([0, ""])
        const task = yield* Schema.decodeUnknown(TaskDetailJson)(run.stdout)
        expect(task.state).toBe("SUCCEEDED")
        expect(task.timeline.map((e) => e.stage)).toContain("server[1]/network[0]/createPort")
      })
    )

    it.effect("server create --wait on no terminal prints plain lines, then the timeline table", () =>
      Effect.gen(function* () {
        const run = yield* enamel([...create("plain"), "--wait"])
        expect(run.code).toBe(0)
        expect(run.stdout).not.toContain("\u001b")
        expect(run.stdout).toMatch(/^ +\d+\.\ds {2}server\[0\]\/network\[0\]\/createPort +SUCCEEDED/m)
        expect(run.stdout).toMatch(/task [0-9a-f-]{36}: SUCCEEDED \(server\.create, /)
        expect(run.stdout).toContain("| server[0]/bootServer ")
      })
    )

    it.effect("server create --wait on a terminal draws the live view and ends with the table", () =>
      Effect.gen(function* () {
        const run = yield* enamel([...create("tty", "--count", "2"), "--wait"], { terminal: true })
        expect(run.code).toBe(0)
        expect(run.stdout).toContain("\u001b[?25l")
        expect(run.stdout).toMatch(cursorUpAndClear)
        expect(run.stdout).toContain("  ✓ server[1]\n")
        expect(run.stdout).toContain("      ✓ createPort ")
        expect(run.stdout).toMatch(/task [0-9a-f-]{36}: SUCCEEDED/)
      })
    )

    it.effect("a task that fails exits 1, with its undos and its error", () =>
      Effect.gen(function* () {
        const run = yield* enamel([...create("fail", "--count", "2"), "--wait"])
        expect(run.code).toBe(ExitCode.failed)
        expect(run.stdout).toContain("server.boot_failed: No valid host was found.")
        expect(run.stdout).toMatch(/undo server\[0\]\/bootServer +SUCCEEDED/)
        expect(run.stderr).toMatch(/task [0-9a-f-]{36} ended FAILED/)
      })
    )

    it.effect("server create without --wait prints the accepted task; task watch then follows it", () =>
      Effect.gen(function* () {
        const accepted = yield* enamel(create("later"))
        expect(accepted.code).toBe(0)
        const id = /\| id +\| ([0-9a-f-]{36}) /.exec(accepted.stdout)?.[1] ?? ""
        expect(accepted.stdout).toContain(`Watch it: enamel task watch ${id}`)
        const watched = yield* enamel(["task", "watch", id])
        expect(watched.code).toBe(0)
        expect(watched.stdout).toContain(`task ${id}: SUCCEEDED`)
        const shown = yield* enamel(["task", "show", id, "-f", "value"])
        expect(shown.stdout.split("\n").slice(0, 4)).toEqual([id, "server.create", "3", "SUCCEEDED"])
      })
    )

    it.effect("task list -f json parses and holds the tasks; the table and values show the same", () =>
      Effect.gen(function* () {
        const made = yield* enamel([...create("listed"), "--wait", "-f", "json"])
        const { id } = yield* Schema.decodeUnknown(TaskDetailJson)(made.stdout)
        const json = yield* enamel(["task", "list", "--all", "-f", "json"])
        expect(json.code).toBe(0)
        const tasks = yield* Schema.decodeUnknown(TaskListJson)(json.stdout)
        expect(tasks.find((t) => t.id === id)?.state).toBe("SUCCEEDED")
        const table = yield* enamel(["task", "list", "--state", "SUCCEEDED", "--type", "server.create"])
        expect(table.stdout).toMatch(new RegExp(`\\| ${id} \\| server\\.create \\| SUCCEEDED `))
        const values = yield* enamel(["task", "list", "--all", "-f", "value", "--limit", "1000"])
        expect(values.stdout).toMatch(new RegExp(`^${id} server\\.create SUCCEEDED 5 `, "m"))
        // The tasks of a resource no task touched: none (the API's own tests find real ones).
        const byResource = yield* enamel(["task", "list", "--resource", crypto.randomUUID(), "-f", "json"])
        expect([byResource.code, byResource.stderr]).toEqual([0, ""])
        expect(yield* Schema.decodeUnknown(TaskListJson)(byResource.stdout)).toEqual([])
      })
    )

    it.effect("an error answer prints the API's detail, code and request id, and exits 1", () =>
      Effect.gen(function* () {
        const run = yield* enamel(["task", "show", "00000000-0000-4000-8000-000000000000"])
        expect(run.code).toBe(ExitCode.failed)
        expect(run.stdout).toBe("")
        expect(run.stderr).toMatch(
          /^Error: .*00000000-0000-4000-8000-000000000000.*\n {2}code task\.not_found, HTTP 404, request id req-[0-9a-f-]{36}\n$/
        )
      })
    )

    it.effect("--debug logs each call with its status and request id, never a token or password", () =>
      Effect.gen(function* () {
        const run = yield* enamel(["--debug", "task", "list"])
        expect(run.code).toBe(0)
        expect(run.stderr).toMatch(
          /^DEBUG POST http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens → 201 \(request id req-0{8}-/m
        )
        expect(run.stderr).toMatch(
          /^DEBUG GET http:\/\/127\.0\.0\.1:\d+\/tasks → 200 \(request id req-[0-9a-f-]{36}\) \d+ ms$/m
        )
        expect(run.stderr).not.toContain("token-alice-secret")
        expect(run.stderr).not.toContain("alice-password")
        // Given after the command, a global option works the same.
        const after = yield* enamel(["task", "list", "--debug"])
        expect(after.stderr).toContain("DEBUG GET")
      })
    )

    it.effect("task cancel cancels a running task; watching it then ends CANCELLED with exit 1", () =>
      Effect.gen(function* () {
        const accepted = yield* enamel([...create("slow-cancel"), "-f", "json"])
        const { id } = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        yield* eventually(
          Effect.flatMap(enamel(["task", "show", id, "-f", "json"]), (r) =>
            Effect.map(Schema.decodeUnknown(TaskDetailJson)(r.stdout), (task) => task.state)
          ),
          (state) => state === "RUNNING",
          { what: `task ${id} to run` }
        )
        const cancelled = yield* enamel(["task", "cancel", id])
        expect(cancelled.code).toBe(0)
        expect(cancelled.stdout).toMatch(/\| state +\| (CANCELLING|CANCELLED) /)
        const watched = yield* enamel(["task", "watch", id])
        expect(watched.code).toBe(ExitCode.failed)
        expect(watched.stdout).toContain(`task ${id}: CANCELLED`)
      })
    )

    /** A `flaky-*` server created with --on-failure keep, once it is held (FAILED at its last boot). */
    const heldTask = (name: string) =>
      Effect.gen(function* () {
        const accepted = yield* enamel([...create(name), "--on-failure", "keep", "-f", "json"])
        const task = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
        expect(task.on_failure).toBe("keep")
        return yield* eventually(
          Effect.flatMap(enamel(["task", "show", task.id, "-f", "json"]), (r) =>
            Schema.decodeUnknown(TaskDetailJson)(r.stdout)
          ),
          (t) => t.state === "FAILED",
          { what: `task ${task.id} to fail` }
        )
      })

    it.effect("--on-failure keep holds a failed task; task retry --wait takes it to SUCCEEDED", () =>
      Effect.gen(function* () {
        const held = yield* heldTask("flaky-retry")
        expect(held).toMatchObject({ held: true, error: { stage: "server[0]/bootServer" } })
        const retried = yield* enamel(["task", "retry", held.id, "--wait"])
        expect(retried.code).toBe(0)
        expect(retried.stdout).toContain(`task ${held.id}: SUCCEEDED`)
        const refused = yield* enamel(["task", "rollback", held.id])
        expect(refused.code).toBe(ExitCode.failed)
        expect(refused.stderr).toContain("task.not_held")
      })
    )

    it.effect("task rollback --wait undoes a held task and exits 0 once it is ROLLED_BACK", () =>
      Effect.gen(function* () {
        const held = yield* heldTask("flaky-rollback")
        const rolledBack = yield* enamel(["task", "rollback", held.id, "--wait"])
        expect(rolledBack.code).toBe(0)
        expect(rolledBack.stdout).toContain(`task ${held.id}: ROLLED_BACK`)
      })
    )

    it.effect(
      "Ctrl-C while watching detaches: the task goes on, and the command says how to watch again",
      () =>
        Effect.gen(function* () {
          const accepted = yield* enamel([...create("slow-detach"), "-f", "json"])
          const { id } = yield* Schema.decodeUnknown(TaskJson)(accepted.stdout)
          const terminal = yield* makeMemory({ isTerminal: true })
          const fiber = yield* Effect.fork(enamelTo(terminal.output, ["task", "watch", id]))
          yield* eventually(terminal.stdout, (s) => s.includes("createPort"), {
            what: "the live view to draw"
          })
          // What the runtime does on SIGINT: interrupt the program.
          expect(codeOfExit(yield* Fiber.interrupt(fiber))).toBe(ExitCode.interrupted)
          expect(yield* terminal.stderr).toContain(
            `Detached: task ${id} goes on. Watch it again with:\n  enamel task watch ${id}\n`
          )
          expect((yield* terminal.stdout).endsWith("\u001b[?25h")).toBe(true)
          const after = yield* enamel(["task", "watch", id])
          expect([after.code, taskIdIn(after.stdout)]).toEqual([0, id])
        })
    )

    it.effect("admin topic list|set and admin drain tune every worker; a member is refused with 403", () =>
      Effect.gen(function* () {
        const listed = yield* enamel(["admin", "topic", "list"], asAdmin)
        expect([listed.code, listed.stderr]).toEqual([0, ""])
        // The desired setting per topic (the workers' own columns are the fleet's tests' concern).
        expect(listed.stdout).toMatch(
          /^\| Topic +\| Concurrency \| Paused \| Worker +\| Worker concurrency \|/m
        )
        expect(listed.stdout).toMatch(/^\| server\.create +\| +4 \| false +\| /m)

        const set = yield* enamel(["admin", "topic", "set", "server.create", "--concurrency", "3"], asAdmin)
        expect([set.code, set.stderr]).toEqual([0, ""])
        const asJson = yield* enamel(["admin", "topic", "list", "-f", "json"], asAdmin)
        const topics = yield* Schema.decodeUnknown(TopicsJson)(asJson.stdout)
        expect(topics.find((t) => t.topic === "server.create")?.desired).toMatchObject({
          concurrency: 3,
          paused: false
        })

        const drained = yield* enamel(["admin", "drain", "-f", "value"], asAdmin)
        expect(drained.code).toBe(0)
        expect(drained.stdout).toMatch(/^server\.create 3 true /m)
        expect(drained.stdout).toMatch(/^server\.delete 2 true /m)
        for (const topic of ["server.create", "server.delete"]) {
          const resumed = yield* enamel(["admin", "topic", "set", topic, "--resume", "-f", "json"], asAdmin)
          expect((yield* Schema.decodeUnknown(TopicJson)(resumed.stdout)).desired.paused).toBe(false)
        }

        const refused = yield* enamel(["admin", "topic", "list"])
        expect(refused.code).toBe(ExitCode.failed)
        expect(refused.stderr).toMatch(/code policy\.forbidden, HTTP 403, request id req-/)
      })
    )
  })
})
