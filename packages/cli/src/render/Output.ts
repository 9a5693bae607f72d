import { type Console, Context, Effect, Layer, Ref } from "effect"

/**
 * Where the command writes: stdout for results, stderr for everything else (errors, --debug, the detach
 * note), and whether stdout is a terminal, which decides between the live view and plain lines. Tests
 * give a memory one and read what was written.
 */
export interface OutputShape {
  readonly out: (text: string) => Effect.Effect<void>
  readonly err: (text: string) => Effect.Effect<void>
  readonly isTerminal: boolean
  readonly size: Effect.Effect<{ readonly columns: number; readonly rows: number }>
}

export class Output extends Context.Tag("@enamel/cli/Output")<Output, OutputShape>() {}

/** Writes a line (or lines) to stdout. */
export const line = (text: string) => Effect.flatMap(Output, (o) => o.out(`${text}\n`))

/** Writes a line to stderr. */
export const note = (text: string) => Effect.flatMap(Output, (o) => o.err(`${text}\n`))

const textOf = (args: ReadonlyArray<unknown>) => `${args.map(String).join(" ")}\n`

/** SGR sequences (colours, bold): @effect/cli styles its help and errors with them even off a terminal. */
const styling = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")

/**
 * `console` writing through `output`: @effect/cli prints its usage errors and `--help` with Effect's
 * Console (errors to `error`, help to `log`), so they go where the command's own output goes.
 */
export const consoleOf = (output: OutputShape, base: Console.Console): Console.Console => {
  const text = (args: ReadonlyArray<unknown>) =>
    output.isTerminal ? textOf(args) : textOf(args).replace(styling, "")
  return {
    ...base,
    log: (...args: ReadonlyArray<unknown>) => output.out(text(args)),
    info: (...args: ReadonlyArray<unknown>) => output.out(text(args)),
    error: (...args: ReadonlyArray<unknown>) => output.err(text(args)),
    warn: (...args: ReadonlyArray<unknown>) => output.err(text(args)),
    debug: (...args: ReadonlyArray<unknown>) => output.err(text(args))
  }
}

/** The process's own streams. */
export const layerProcess: Layer.Layer<Output> = Layer.sync(Output, () => ({
  out: (text) => Effect.sync(() => void process.stdout.write(text)),
  err: (text) => Effect.sync(() => void process.stderr.write(text)),
  isTerminal: process.stdout.isTTY === true,
  // A pseudo-terminal without a size (`script` in a pipe) says 0.
  size: Effect.sync(() => ({ columns: process.stdout.columns || 100, rows: process.stdout.rows || 40 }))
}))

/** An Output that keeps what is written, for tests. */
export const makeMemory = (options: {
  readonly isTerminal: boolean
  readonly columns?: number
  readonly rows?: number
}) =>
  Effect.gen(function* () {
    const stdout = yield* Ref.make("")
    const stderr = yield* Ref.make("")
    const output: OutputShape = {
      out: (text) => Ref.update(stdout, (s) => s + text),
      err: (text) => Ref.update(stderr, (s) => s + text),
      isTerminal: options.isTerminal,
      size: Effect.succeed({ columns: options.columns ?? 100, rows: options.rows ?? 40 })
    }
    return { output, stdout: Ref.get(stdout), stderr: Ref.get(stderr) }
  })
