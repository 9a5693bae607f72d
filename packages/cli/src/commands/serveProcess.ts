/**
 * What `enamel serve` runs, loaded only by that command: the API, the worker, PGlite and the broker are
 * most of what the command would otherwise load before every other command too.
 */
import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Listen } from "@enamel/api"
import { Logging } from "@enamel/domain"
import { EnamelProcess, inFrontOfCloudAt } from "@enamel/embedded"
import { DataDir } from "@enamel/persistence"
import { Effect, Layer, Option } from "effect"
import { line } from "../render/Output.js"

export interface ServeFlags {
  readonly host: Option.Option<string>
  readonly port: Option.Option<number>
}

/** The embedded process as configured, or at the address the flags give. */
const processAt = (flags: ServeFlags) =>
  Option.isNone(flags.host) && Option.isNone(flags.port)
    ? EnamelProcess
    : Layer.unwrapEffect(
        Effect.gen(function* () {
          const configured = yield* Listen
          const listen = {
            host: Option.getOrElse(flags.host, () => configured.host),
            port: Option.getOrElse(flags.port, () => configured.port)
          }
          return inFrontOfCloudAt(yield* DataDir, NodeHttpServer.layer(createServer, listen))
        })
      )

/** Runs Enamel until interrupted, saying where it listens once it answers. */
export const serveEmbedded = (flags: ServeFlags) =>
  Effect.gen(function* () {
    const address = (yield* HttpServer.HttpServer).address
    yield* line(
      address._tag === "TcpAddress"
        ? `enamel serve: listening on http://${address.hostname}:${address.port}`
        : `enamel serve: listening on ${address.path}`
    )
    return yield* Effect.never
  }).pipe(Effect.provide(processAt(flags)), Effect.provide(Logging.layer))
