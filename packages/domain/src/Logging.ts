/**
 * How every Enamel process logs (the API, the worker, `enamel serve`): ENAMEL_LOG_FORMAT `text` (the
 * default: the lines `NodeRuntime.runMain` prints, as before) or `json`, one JSON object a line with the time, the level,
 * the message, the task id, the trace id (Effect's current span: its own tracer makes trace ids without
 * OpenTelemetry), the request ids where there are some, and every other annotation.
 * ENAMEL_LOG_LEVEL sets the least severe level logged.
 */
import {
  Cause,
  Config,
  Context,
  Effect,
  FiberRef,
  FiberRefs,
  HashMap,
  HashSet,
  Inspectable,
  Layer,
  Logger,
  Option,
  Tracer
} from "effect"

/** The annotation keys the JSON lines lift to fixed fields; annotate with these names. */
export const Keys = {
  /** The task a line is about. */
  taskId: "task_id",
  /** Enamel's own request id (`X-OpenStack-Request-ID` of the API's answer). */
  requestId: "request_id",
  /** The id an OpenStack service gave its answer to one call. */
  openstackRequestId: "openstack_request_id",
  /** The global request id Enamel sent to OpenStack (one per task run). */
  globalRequestId: "global_request_id"
} as const

/** Older spellings of the same keys, so a line says `task_id` whichever way it was annotated. */
const aliases: Readonly<Record<string, string>> = { taskId: Keys.taskId, requestId: Keys.requestId }

/** ENAMEL_LOG_FORMAT (`text`): `text` (logfmt) or `json` (one object a line). */
export const LogFormat = Config.literal("text", "json")("ENAMEL_LOG_FORMAT").pipe(Config.withDefault("text"))

const plain = (value: unknown): unknown =>
  typeof value === "bigint" || typeof value === "function" || typeof value === "symbol"
    ? String(value)
    : Inspectable.toJSON(value)

/** The current span of the logging fiber, if any. */
const currentSpan = (refs: FiberRefs.FiberRefs) =>
  Context.getOption(FiberRefs.getOrDefault(refs, FiberRef.currentContext), Tracer.ParentSpan)

/** One log line as Enamel's JSON object (before serialisation). */
export const toJson = (options: Logger.Logger.Options<unknown>): Record<string, unknown> => {
  const messages = Array.isArray(options.message) ? options.message : [options.message]
  const line: Record<string, unknown> = {
    time: options.date.toISOString(),
    level: options.logLevel.label,
    message: messages.length === 1 ? plain(messages[0]) : messages.map(plain)
  }
  const span = currentSpan(options.context)
  if (Option.isSome(span)) {
    line.trace_id = span.value.traceId
    line.span_id = span.value.spanId
  }
  for (const [key, value] of HashMap.toEntries(options.annotations)) {
    line[aliases[key] ?? key] = plain(value)
  }
  if (!Cause.isEmpty(options.cause)) line.cause = Cause.pretty(options.cause, { renderErrorCause: true })
  return line
}

/** Enamel's JSON lines: one object a line, printed where Effect's default logger prints. */
export const jsonLogger: Logger.Logger<unknown, string> = Logger.make((options) =>
  Inspectable.stringifyCircular(toJson(options))
)

/**
 * The JSON logger in place of Effect's default one and of the pretty one that `NodeRuntime.runMain` puts
 * in its place (the text format a process prints).
 */
export const layerJson = Layer.scopedDiscard(
  Effect.locallyScopedWith(FiberRef.currentLoggers, (loggers) =>
    loggers.pipe(
      HashSet.remove(Logger.defaultLogger),
      HashSet.remove(Logger.prettyLoggerDefault),
      HashSet.add(Logger.withConsoleLog(jsonLogger))
    )
  )
)

/**
 * ENAMEL_LOG_LEVEL (unset: Effect's `info`, or `enamel --log-level`): the least severe level logged,
 * one of `all`, `trace`, `debug` (adds a line per OpenStack call), `info`, `warn`, `error`, `fatal`, `off`.
 */
export const MinimumLevel = Config.option(Config.logLevel("ENAMEL_LOG_LEVEL"))

/**
 * The logger ENAMEL_LOG_FORMAT chooses at ENAMEL_LOG_LEVEL: every process's main provides this one
 * layer (the API, the worker, the embedded process and `enamel serve`).
 */
export const layer = Layer.unwrapEffect(
  Config.map(Config.all([LogFormat, MinimumLevel]), ([format, level]) =>
    Layer.merge(
      format === "json" ? layerJson : Layer.empty,
      Option.match(level, { onNone: () => Layer.empty, onSome: Logger.minimumLogLevel })
    )
  )
)
