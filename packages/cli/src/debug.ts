/**
 * `--debug`: every HTTP call the command makes, to Keystone and to Enamel, logged to stderr as its
 * answer arrives: method, URL, status, request id, time. Headers and bodies are never written, so
 * neither are tokens nor passwords. Both clients send through `@effect/platform`'s fetch client, which
 * takes its `fetch` from the context: the logging one is given there (the CLI's one use of the platform's
 * HTTP client).
 */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Runtime } from "effect"
import { Output } from "./render/Output.js"

const describeTarget = (input: Parameters<typeof fetch>[0], init: RequestInit | undefined) => {
  const url = input instanceof Request ? input.url : String(input)
  const method = init?.method ?? (input instanceof Request ? input.method : "GET")
  return `${method} ${url}`
}

/** A `fetch` that logs each call through `Output`'s stderr, then answers as Node's does. */
export const loggingFetch = Effect.gen(function* () {
  const output = yield* Output
  const runtime = yield* Effect.runtime<never>()
  const log = (text: string) => Runtime.runSync(runtime)(output.err(`DEBUG ${text}\n`))
  const logged: typeof fetch = async (input, init) => {
    const target = describeTarget(input, init)
    const started = performance.now()
    const ms = () => `${Math.round(performance.now() - started)} ms`
    try {
      const response = await fetch(input, init)
      const id =
        response.headers.get("x-openstack-request-id") ?? response.headers.get("x-compute-request-id")
      log(`${target} → ${response.status}${id === null ? "" : ` (request id ${id})`} ${ms()}`)
      return response
    } catch (error) {
      log(`${target} → no answer (${error instanceof Error ? error.message : String(error)}) ${ms()}`)
      throw error
    }
  }
  return logged
})

/** Runs `effect` with every HTTP call logged when `debug` is on. */
export const debugging =
  (debug: boolean) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Output> =>
    debug
      ? Effect.flatMap(loggingFetch, (f) => Effect.provideService(effect, FetchHttpClient.Fetch, f))
      : effect
