/**
 * The health check, in the style of oslo.middleware's: `GET /healthcheck` answers 200 `OK` when every
 * check passes, 503 with one reason a line otherwise, `?details` a JSON document with each check and its
 * latency. While the file ENAMEL_HEALTHCHECK_DISABLE_FILE exists it answers 503 `DISABLED BY FILE` (a node
 * leaves its load balancer's pool before it is stopped). No authentication, and nothing it says reveals
 * configuration: reasons are fixed sentences, never a driver's error message (which may name a host).
 * The API checks PostgreSQL (`databaseCheck`); the worker also RabbitMQ (packages/worker/src/admin/).
 */
import { existsSync } from "node:fs"
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Clock, Config, Duration, Effect, Option } from "effect"

/** One thing the process needs: passes, or fails with a reason fit to show to anyone. */
export interface Check {
  readonly name: string
  readonly run: Effect.Effect<void, string>
}

export interface CheckResult {
  readonly name: string
  readonly ok: boolean
  readonly latency_ms: number
  readonly reason?: string
}

export interface Report {
  readonly status: "OK" | "FAILED" | "DISABLED"
  readonly checks: ReadonlyArray<CheckResult>
}

/** ENAMEL_HEALTHCHECK_DISABLE_FILE (unset): while this file exists the health check answers 503. */
export const DisableFile = Config.option(Config.string("ENAMEL_HEALTHCHECK_DISABLE_FILE"))

/** How long one check may take before it counts as failed: a load balancer should not wait longer. */
export const checkTimeout = Duration.seconds(2)

/** PostgreSQL answers `SELECT 1` within `checkTimeout`. */
export const databaseCheck: Effect.Effect<Check, never, SqlClient.SqlClient> = Effect.map(
  SqlClient.SqlClient,
  (sql) => ({
    name: "database",
    run: sql`SELECT 1`.pipe(
      Effect.timeoutFail({
        duration: checkTimeout,
        onTimeout: () => `PostgreSQL did not answer within ${Duration.format(checkTimeout)}`
      }),
      Effect.catchTag("SqlError", () => Effect.fail("PostgreSQL refused the query or is unreachable")),
      Effect.asVoid
    )
  })
)

const runOne = (check: Check) =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const outcome = yield* Effect.either(check.run)
    const latency_ms = (yield* Clock.currentTimeMillis) - started
    return outcome._tag === "Right"
      ? { name: check.name, ok: true, latency_ms }
      : { name: check.name, ok: false, latency_ms, reason: outcome.left }
  })

/**
 * Runs every check at once (a dead one costs its timeout, not the sum), and looks for the disable file
 * (the checks still run: `?details` shows a drained node's state too).
 */
export const evaluate = (
  checks: ReadonlyArray<Check>,
  disableFile: Option.Option<string> = Option.none()
): Effect.Effect<Report> =>
  Effect.gen(function* () {
    const results = yield* Effect.forEach(checks, runOne, { concurrency: "unbounded" })
    const disabled = Option.isSome(disableFile) && existsSync(disableFile.value)
    return {
      status: disabled ? "DISABLED" : results.every((r) => r.ok) ? "OK" : "FAILED",
      checks: results
    } satisfies Report
  })

/** The answer: `OK`, or the reasons one a line, or (`details`) the whole report as JSON. */
export const respond = (report: Report, details: boolean): HttpServerResponse.HttpServerResponse => {
  const status = report.status === "OK" ? 200 : 503
  const headers = { "cache-control": "no-store" }
  if (details) return HttpServerResponse.unsafeJson(report, { status, headers })
  const text =
    report.status === "OK"
      ? "OK"
      : report.status === "DISABLED"
        ? "DISABLED BY FILE"
        : report.checks
            .filter((c) => !c.ok)
            .map((c) => `${c.name}: ${c.reason ?? "failed"}`)
            .join("\n")
  return HttpServerResponse.text(text, { status, headers })
}

/** `?details` (any value but `false` or `0`) asks for the JSON report. */
const wantsDetails = (url: string) => {
  const value = new URL(url, "http://localhost").searchParams.get("details")
  return value !== null && value !== "false" && value !== "0"
}

/** The `GET /healthcheck` handler over the given checks, for any router (settings read once, here). */
export const handler = (checks: ReadonlyArray<Check>) =>
  Effect.map(Effect.orDie(DisableFile), (disableFile) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      return respond(yield* evaluate(checks, disableFile), wantsDetails(request.url))
    })
  )

/** The path, the same on the API and the worker's admin port. */
export const path = "/healthcheck"
