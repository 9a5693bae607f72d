/** Real worker processes (packages/worker/src/main.ts) for the end-to-end tests that kill them. */
import { type ChildProcess, spawn } from "node:child_process"
import { closeSync, openSync } from "node:fs"
import { Effect } from "effect"
import { identityEnv, TestDatabase } from "./enamel.js"

/**
 * Admin ports for the workers of one test run, counted up from a random base so that none collide; below
 * Linux's ephemeral range (32768 and up), where a port may be taken at any moment as the local end of an
 * outgoing connection (a worker then failed to listen, EADDRINUSE, and exited).
 */
let nextAdminPort = 20_000 + Math.floor(Math.random() * 10_000)

/**
 * A worker process on the test database and the test's AMQP namespace, as Enamel's service user; killed
 * when the scope closes. One process (not the tsx wrapper), so that signals reach the worker itself.
 * Its log (standard output) goes to `logFile` when one is given, and nowhere otherwise.
 */
export const startWorker = (
  name: string,
  namespace: string,
  settings: Readonly<Record<string, string>> = {},
  logFile?: string
) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const url = yield* TestDatabase.TestDatabaseUrl
      const log = logFile === undefined ? "ignore" : openSync(logFile, "a")
      const child = spawn(process.execPath, ["--import", "tsx", "packages/worker/src/main.ts"], {
        env: {
          ...process.env,
          ...identityEnv("enamel"),
          ENAMEL_DATABASE_URL: url.toString(),
          ENAMEL_AMQP_NAMESPACE: namespace,
          ENAMEL_WORKER_TOPICS: "server.create=2,server.delete=2",
          ENAMEL_WORKER_ID: name,
          ENAMEL_LEASE_TTL: "3 seconds",
          ENAMEL_WORKER_RETRY_DELAY: "500 millis",
          ENAMEL_WORKER_ADMIN_PORT: String(nextAdminPort++),
          ...settings
        },
        stdio: ["ignore", log, "inherit"]
      })
      // The child has its own copy of the descriptor.
      if (typeof log === "number") closeSync(log)
      return child
    }),
    (child: ChildProcess) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

/** Waits until the process has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

/** SIGKILL, and wait until the process is gone. */
export const killHard = (child: ChildProcess) =>
  Effect.suspend(() => {
    child.kill("SIGKILL")
    return exited(child)
  })
