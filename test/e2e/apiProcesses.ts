/** The real API process (packages/api/src/main.ts) for end-to-end tests that restart it. */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { Effect } from "effect"
import { eventually } from "../support/poll.js"
import { identityEnv, TestDatabase } from "./enamel.js"
import { killHard } from "./workerProcesses.js"

/** A port nothing listens on now (the OS's pick). */
export const freePort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** One request to the process, as a client sends it; the answer's status and parsed body. */
const request =
  (port: number) =>
  (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}
  ) =>
    Effect.promise(async () => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          ...(options.token === undefined ? {} : { "x-auth-token": options.token }),
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers
        },
        signal: AbortSignal.timeout(30_000),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
      })
      const text = await response.text()
      return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) }
    })

/**
 * An API process on the test database and the test's AMQP namespace, as Enamel's service user, ready once
 * it answers `GET /`; killed (SIGKILL) when the scope closes, or by `kill`.
 */
export const startApi = (namespace: string, settings: Readonly<Record<string, string>> = {}) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const url = yield* TestDatabase.TestDatabaseUrl
      const port = yield* freePort
      const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "packages/api/src/main.ts"], {
        env: {
          ...process.env,
          ...identityEnv("enamel"),
          ENAMEL_DATABASE_URL: url.toString(),
          ENAMEL_AMQP_NAMESPACE: namespace,
          ENAMEL_API_PORT: String(port),
          ENAMEL_ACCESS_LOG: "false",
          ...settings
        },
        stdio: ["ignore", "ignore", "inherit"]
      })
      const send = request(port)
      yield* eventually(
        Effect.promise(() =>
          fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => r.status,
            () => 0
          )
        ),
        (status) => status === 200,
        { what: `the API process on port ${port} to answer`, timeout: "60 seconds", every: "200 millis" }
      )
      return { child, port, send, kill: killHard(child) }
    }),
    (api) => Effect.sync(() => api.child.exitCode === null && api.child.kill("SIGKILL"))
  )
