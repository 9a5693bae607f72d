import { EnamelClient, type EnamelClientShape } from "@enamel/client"
import { ConfigProvider, Effect, Option } from "effect"
import { debugging } from "./debug.js"
import { enamel } from "./globals.js"

/**
 * The client a command talks to Enamel with, made from the global options: `--os-cloud` and
 * `--enamel-url` stand in for OS_CLOUD and ENAMEL_URL (a flag wins over the variable), `--debug` logs
 * every call. Built only when a command is about to call, so a bad flag is refused before anything is
 * asked of Keystone or Enamel.
 */
export const withClient = <A, E, R>(use: (client: EnamelClientShape) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const globals = yield* enamel
    const overrides = new Map<string, string>([
      ...Option.match(globals.osCloud, {
        onNone: () => [],
        onSome: (cloud) => [["OS_CLOUD", cloud] as const]
      }),
      ...Option.match(globals.enamelUrl, {
        onNone: () => [],
        onSome: (url) => [["ENAMEL_URL", url] as const]
      })
    ])
    const current = yield* Effect.configProviderWith(Effect.succeed)
    const provider = ConfigProvider.fromMap(overrides).pipe(ConfigProvider.orElse(() => current))
    return yield* Effect.flatMap(EnamelClient, use).pipe(
      Effect.provide(EnamelClient.layerConfig),
      Effect.withConfigProvider(provider),
      debugging(globals.debug)
    )
  })
