/**
 * ENAMEL_LOG_FORMAT=json: one JSON object a line with the time, level, message, task id, trace id (from
 * Effect's own tracer, no OpenTelemetry), request ids and annotations; `text` leaves Effect's logger as is.
 */
import { describe, expect, it } from "@effect/vitest"
import { Logging } from "@enamel/domain"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"

/** Runs `program` with the layer ENAMEL_LOG_FORMAT chooses, capturing what it prints through console.log. */
const printed = (
  env: ReadonlyArray<readonly [string, string]>,
  program: Effect.Effect<void>,
  processLogger: Logger.Logger<unknown, void> = Logger.defaultLogger
) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const original = console.log
    console.log = (...args: ReadonlyArray<unknown>) => {
      lines.push(args.map(String).join(" "))
    }
    yield* program.pipe(
      Effect.provide(
        Logging.layer.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(env)))))
      ),
      // @effect/vitest removes Effect's default logger; a process has it (or runMain's pretty one).
      Effect.provide(Logger.add(processLogger)),
      Effect.ensuring(Effect.sync(() => (console.log = original)))
    )
    return lines
  })

const parse = (line: string | undefined): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(line ?? "null")
  if (typeof parsed !== "object" || parsed === null) throw new Error(`not a JSON object: ${line}`)
  return Object.fromEntries(Object.entries(parsed))
}

describe("Logging", () => {
  it.effect("json: one object a line with time, level, message, task id, trace id and annotations", () =>
    Effect.gen(function* () {
      let traceId = ""
      const lines = yield* printed(
        [["ENAMEL_LOG_FORMAT", "json"]],
        Effect.gen(function* () {
          traceId = (yield* Effect.currentSpan.pipe(Effect.orDie)).traceId
          yield* Effect.logWarning("stage failed\nwith a second line").pipe(
            Effect.annotateLogs({ openstack_request_id: "req-1", attempt: 2 })
          )
        }).pipe(
          Effect.withSpan("Test.stage"),
          Effect.annotateLogs(Logging.Keys.taskId, "t-1"),
          Effect.annotateLogs(Logging.Keys.requestId, "req-api")
        )
      )
      expect(lines).toHaveLength(1)
      const line = parse(lines[0])
      expect(line).toMatchObject({
        level: "WARN",
        message: "stage failed\nwith a second line",
        task_id: "t-1",
        request_id: "req-api",
        openstack_request_id: "req-1",
        attempt: 2,
        trace_id: traceId
      })
      expect(traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(new Date(String(line.time)).toISOString()).toBe(line.time)
      expect(lines[0]).not.toContain("\n")
    })
  )

  it.effect(
    "json: the older `taskId` annotation is `task_id`; a cause is rendered; no span, no trace id",
    () =>
      Effect.gen(function* () {
        const lines = yield* printed(
          [["ENAMEL_LOG_FORMAT", "json"]],
          Effect.logError("task stopped", new Error("boom")).pipe(Effect.annotateLogs("taskId", "t-2"))
        )
        const line = parse(lines[0])
        expect(line.task_id).toBe("t-2")
        expect(line.level).toBe("ERROR")
        expect(line.trace_id).toBeUndefined()
        expect(String(line.message)).toContain("task stopped")
      })
  )

  it.effect("text (the default) leaves Effect's logfmt lines; ENAMEL_LOG_LEVEL sets the level", () =>
    Effect.gen(function* () {
      const text = yield* printed(
        [],
        Effect.logInfo("hello").pipe(Effect.annotateLogs(Logging.Keys.taskId, "t-3"))
      )
      expect(text).toHaveLength(1)
      expect(text[0]).toContain("message=hello")
      expect(text[0]).toContain("task_id=t-3")
      const debug = yield* printed(
        [
          ["ENAMEL_LOG_FORMAT", "json"],
          ["ENAMEL_LOG_LEVEL", "debug"]
        ],
        Effect.logDebug("a call")
      )
      expect(parse(debug[0]).level).toBe("DEBUG")
      const quiet = yield* printed([["ENAMEL_LOG_LEVEL", "warn"]], Effect.logInfo("not shown"))
      expect(quiet).toEqual([])
    })
  )

  it.effect("json replaces the pretty logger NodeRuntime.runMain installs: only JSON lines are printed", () =>
    Effect.gen(function* () {
      const lines = yield* printed(
        [["ENAMEL_LOG_FORMAT", "json"]],
        Effect.logInfo("once"),
        Logger.prettyLoggerDefault
      )
      expect(lines.map((l) => parse(l).message)).toEqual(["once"])
    })
  )

  it("toJson renders what Logger.make hands it", () => {
    const line = Logger.test(Logging.jsonLogger, "plain")
    expect(parse(line)).toMatchObject({ level: "INFO", message: "plain" })
    expect(LogLevel.Info.label).toBe("INFO")
  })
})
