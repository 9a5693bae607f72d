import { Command, Options } from "@effect/cli"

/**
 * The options every command takes, anywhere on the line (`enamel --debug task list` and `enamel task list
 * --debug` alike), as `openstack` takes them: which cloud, where Enamel is, the output format, --debug.
 * The root command holds them; a command's handler reads them with `yield* enamel`.
 */
export const formats = ["table", "json", "value"] as const
export type Format = (typeof formats)[number]

const format = Options.choice("format", formats).pipe(
  Options.withAlias("f"),
  Options.withDefault("table"),
  Options.withDescription(
    "table: for people (a live view of a task's stages on a terminal); json: exactly one JSON document on " +
      "stdout; value: values only, space-separated"
  )
)

const osCloud = Options.text("os-cloud").pipe(
  Options.withPseudoName("CLOUD"),
  Options.optional,
  Options.withDescription("the cloud of clouds.yaml to act as (else OS_CLOUD, else the OS_* variables)")
)

const enamelUrl = Options.text("enamel-url").pipe(
  Options.withPseudoName("URL"),
  Options.optional,
  Options.withDescription("Enamel's API (else ENAMEL_URL, else the catalog's `porcelain` endpoint)")
)

const debug = Options.boolean("debug").pipe(
  Options.withDescription(
    "log each HTTP call (method, URL, status, request id, time) to stderr; never tokens or secrets"
  )
)

export const enamel = Command.make("enamel", { format, osCloud, enamelUrl, debug }).pipe(
  Command.withDescription("Servers and tasks through Enamel, the porcelain API for OpenStack.")
)

const valued = new Set(["--format", "-f", "--os-cloud", "--enamel-url"])
const flags = new Set(["--debug"])
const isGlobal = (arg: string) =>
  flags.has(arg) || [...valued].some((name) => name.startsWith("--") && arg.startsWith(`${name}=`))

/**
 * `argv` with the global options moved to just after the program's name, where @effect/cli reads the
 * root command's options: it reads a subcommand's options up to the first it does not know, and the
 * rest (`task list -f json --limit 5`) would be refused. Nothing after `--` moves.
 */
export const hoistGlobals = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const [node = "node", program = "enamel", ...args] = argv
  const globals: Array<string> = []
  const rest: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ""
    if (arg === "--") {
      rest.push(...args.slice(i))
      break
    }
    if (valued.has(arg) && i + 1 < args.length) {
      globals.push(arg, args[i + 1] ?? "")
      i++
    } else if (isGlobal(arg)) globals.push(arg)
    else rest.push(arg)
  }
  return [node, program, ...globals, ...rest]
}
