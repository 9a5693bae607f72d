/**
 * The embedded mode as real processes: one is killed with SIGKILL while it runs tasks (PGlite's files
 * are left mid-write, the in-process broker's messages are gone); the next, on the same data dir, recovers
 * the database and finishes every accepted task from its checkpoints. A SIGTERM ends a process cleanly.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as TestDatabase from "@enamel/persistence/testing"
import { Deferred, Effect } from "effect"
import { tokens } from "../../packages/api/test/harness.js"
import { eventually } from "../support/poll.js"

interface Task {
  readonly id: string
  readonly state: string
  readonly timeline?: ReadonlyArray<{
    readonly stage: string
    readonly phase: string
    readonly state: string
  }>
}

/** Starts `enamel` (the fixture) on `dataDir`; its API's base URL once it listens. Killed with the scope. */
const startEnamel = (dataDir: string) =>
  Effect.gen(function* () {
    const listening = yield* Deferred.make<string>()
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        // One process (not the tsx wrapper), so that signals reach Enamel itself.
        const child = spawn(
          process.execPath,
          ["--import", "tsx", "test/contracts/behaviour/fixtures/embeddedEnamel.ts"],
          {
            env: {
              ...process.env,
              ENAMEL_DATA_DIR: dataDir,
              ENAMEL_WORKER_TOPICS: "server.create=4,server.delete=2",
              ENAMEL_WORKER_GRACE: "200 millis",
              ENAMEL_WORKER_RETRY_DELAY: "200 millis",
              ENAMEL_OUTBOX_SWEEP: "200 millis",
              ENAMEL_ACCESS_LOG: "false"
            },
            stdio: ["ignore", "pipe", "inherit"]
          }
        )
        child.stdout?.on("data", (chunk: Buffer) => {
          const port = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(chunk.toString())?.[1]
          if (port !== undefined) Deferred.unsafeDone(listening, Effect.succeed(`http://127.0.0.1:${port}`))
        })
        return child
      }),
      (child) =>
        Effect.sync(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
    )
    const url = yield* Deferred.await(listening).pipe(Effect.timeout("60 seconds"), Effect.orDie)
    return { child, url }
  })

const exited = (child: ChildProcess) =>
  Effect.async<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

const call = (url: string, method: string, path: string, body?: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { "x-auth-token": tokens.alice, "content-type": "application/json" },
      signal: AbortSignal.timeout(15_000),
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, task: ((await response.json()) as { task: Task }).task }
  })

const getTask = (url: string, id: string) =>
  Effect.map(call(url, "GET", `/tasks/${id}`), (answer) => answer.task)

const succeededStages = (task: Task) =>
  (task.timeline ?? []).filter((e) => e.phase === "run" && e.state === "SUCCEEDED").map((e) => e.stage)

const until = (url: string, id: string, states: ReadonlyArray<string>) =>
  eventually(getTask(url, id), (task) => states.includes(task.state), {
    what: `task ${id} to be ${states.join(" or ")}`,
    every: "100 millis"
  })

describe("embedded mode, real processes", () => {
  it.scopedLive(
    "SIGKILL mid-task: the next process on the same data dir finishes every accepted task; SIGTERM stops cleanly",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* TestDatabase.freshDataDir
        const first = yield* startEnamel(dataDir)
        const ids: Array<string> = []
        for (const name of ["slow-1", "slow-2", "slow-3"]) {
          const accepted = yield* call(first.url, "POST", "/servers", {
            name,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private" }]
          })
          expect(accepted.status).toBe(202)
          ids.push(accepted.task.id)
        }
        // Killed mid-flow: a stage has been recorded, and the next one runs.
        yield* eventually(getTask(first.url, ids[0] ?? ""), (task) => succeededStages(task).length > 0, {
          what: "the first task's first stage to be recorded"
        })
        first.child.kill("SIGKILL")
        yield* exited(first.child)

        const second = yield* startEnamel(dataDir)
        for (const id of ids) {
          const done = yield* until(second.url, id, ["SUCCEEDED", "FAILED", "CANCELLED"])
          expect(done.state).toBe("SUCCEEDED")
          expect(succeededStages(done)).toEqual(Array.from({ length: 6 }, (_, i) => `s${i}/step`))
        }
        second.child.kill("SIGTERM")
        expect(yield* exited(second.child).pipe(Effect.timeout("20 seconds"), Effect.orDie)).toBe(0)
        expect(existsSync(join(dataDir, "enamel.pid"))).toBe(false)
      }),
    120_000
  )
})
