import { readFile } from "node:fs/promises"
import { homedir } from "node:os"
import { join } from "node:path"
import { Config, ConfigProvider, Data, Effect, Option, type ParseResult, Schema } from "effect"
import { parse } from "yaml"
import { describeIssues } from "../http/decode.js"

/** OS_CLOUD names a cloud that no clouds.yaml has, or the file cannot be read. */
export class CloudsYamlError extends Data.TaggedError("CloudsYamlError")<{ readonly message: string }> {}

const Cloud = Schema.Struct({
  auth: Schema.Struct({
    auth_url: Schema.String,
    username: Schema.optional(Schema.String),
    password: Schema.optional(Schema.String),
    project_name: Schema.optional(Schema.String),
    user_domain_name: Schema.optional(Schema.String),
    project_domain_name: Schema.optional(Schema.String)
  }),
  region_name: Schema.optional(Schema.String),
  interface: Schema.optional(Schema.String)
})

const CloudsFile = Schema.Struct({
  clouds: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/** Where openstacksdk looks, in its order: OS_CLIENT_CONFIG_FILE, then the working dir, user and system. */
export const searchPath = (explicit: Option.Option<string>): ReadonlyArray<string> => [
  ...Option.toArray(explicit),
  "clouds.yaml",
  join(homedir(), ".config", "openstack", "clouds.yaml"),
  "/etc/openstack/clouds.yaml"
]

const readIfThere = (file: string) =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) => cause
  }).pipe(
    Effect.map(Option.some),
    Effect.catchIf(
      (cause) => cause instanceof Error && "code" in cause && cause.code === "ENOENT",
      () => Effect.succeed(Option.none<string>())
    ),
    Effect.mapError((cause) => new CloudsYamlError({ message: `cannot read ${file}: ${String(cause)}` }))
  )

/**
 * Names the fields at fault, never their values: the decoder's own message quotes what it found, and in
 * clouds.yaml that may be a password.
 */
const invalid = (file: string, name: string) => (error: ParseResult.ParseError) =>
  new CloudsYamlError({
    message: `${file}: cloud ${name} is not usable: missing or not text: ${describeIssues(error)}`
  })

/**
 * The cloud `name` from the first clouds.yaml in `files` that has it, as the OS_* variables it stands
 * for (auth_url → OS_AUTH_URL, username → OS_USERNAME, ...).
 */
export const readCloud = Effect.fn("CloudsYaml.readCloud")(function* (
  name: string,
  files: ReadonlyArray<string>
) {
  for (const file of files) {
    const text = yield* readIfThere(file)
    if (Option.isNone(text)) continue
    const parsed = yield* Effect.try({
      try: (): unknown => parse(text.value),
      catch: (cause) => new CloudsYamlError({ message: `${file} is not YAML: ${String(cause)}` })
    })
    const { clouds } = yield* Schema.decodeUnknown(CloudsFile)(parsed).pipe(
      Effect.mapError(invalid(file, name))
    )
    if (!(name in clouds)) continue
    const cloud = yield* Schema.decodeUnknown(Cloud)(clouds[name]).pipe(Effect.mapError(invalid(file, name)))
    const entries: Array<readonly [string, string | undefined]> = [
      ["OS_AUTH_URL", cloud.auth.auth_url],
      ["OS_USERNAME", cloud.auth.username],
      ["OS_PASSWORD", cloud.auth.password],
      ["OS_PROJECT_NAME", cloud.auth.project_name],
      ["OS_USER_DOMAIN_NAME", cloud.auth.user_domain_name],
      ["OS_PROJECT_DOMAIN_NAME", cloud.auth.project_domain_name],
      ["OS_REGION_NAME", cloud.region_name],
      ["OS_INTERFACE", cloud.interface]
    ]
    return new Map(entries.flatMap(([key, value]) => (value === undefined ? [] : [[key, value] as const])))
  }
  return yield* new CloudsYamlError({
    message: `OS_CLOUD=${name}: no such cloud in ${files.join(", ")}`
  })
})

/**
 * Runs `effect` with the cloud named by OS_CLOUD (in clouds.yaml) beneath the current configuration:
 * OS_* variables that are set still win, as with openstacksdk. Without OS_CLOUD, `effect` as it is.
 */
export const withOsCloud = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const name = yield* Config.option(Config.string("OS_CLOUD"))
    if (Option.isNone(name)) return yield* effect
    const explicit = yield* Config.option(Config.string("OS_CLIENT_CONFIG_FILE"))
    const cloud = yield* readCloud(name.value, searchPath(explicit))
    return yield* Effect.configProviderWith((current) =>
      Effect.withConfigProvider(
        effect,
        current.pipe(ConfigProvider.orElse(() => ConfigProvider.fromMap(cloud)))
      )
    )
  })
