/**
 * The `enamel` command as a user runs it: its own process (`node packages/cli/run.mjs`, the bundled
 * command that `corepack pnpm enamel` runs), with the environment given; on a pseudo-terminal through
 * `script` when asked, so that it sees a terminal and draws the live view. Gives the exit code and what
 * it wrote.
 */
import { spawn } from "node:child_process"
import { Effect } from "effect"

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`

export const runEnamel = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  options: { readonly terminal?: boolean } = {}
) =>
  Effect.async<Ran>((resume) => {
    const command = [process.execPath, "packages/cli/run.mjs", ...args]
    // `script -e` exits with the command's code; on its terminal, stdout and stderr are one stream, and
    // every "\n" arrives as "\r\n".
    const child = options.terminal
      ? spawn("script", ["-qefc", command.map(quote).join(" "), "/dev/null"], {
          env,
          stdio: ["ignore", "pipe", "pipe"]
        })
      : spawn(process.execPath, command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("close", (code, signal) =>
      resume(
        Effect.succeed({
          code: code ?? (signal === null ? -1 : 128),
          stdout: options.terminal ? stdout.replaceAll("\r\n", "\n") : stdout,
          stderr
        })
      )
    )
    return Effect.sync(() => void child.kill("SIGKILL"))
  })
