import { createServer } from "node:http"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { BrokerMemory } from "@enamel/broker"
import type { Caller } from "@enamel/domain/contract"
import * as TestDatabase from "@enamel/persistence/testing"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { HttpLive } from "../src/ApiServer.js"
import * as TokenValidator from "../src/auth/TokenValidator.js"
import * as UserKeys from "../src/keys/UserKeys.js"

const caller = (userId: string, projectId: string, roles: ReadonlyArray<string>, token: string): Caller => ({
  userId,
  projectId,
  roles,
  token: Redacted.make(token),
  expiresAt: DateTime.unsafeMake(Date.now() + 3_600_000)
})

/** Three callers, as Keystone would describe them: alice and bob in two projects, and an admin. */
export const tokens = {
  alice: "token-alice-secret",
  bob: "token-bob-secret",
  admin: "token-admin-secret"
} as const
export const callers = new Map([
  [tokens.alice, caller("u-alice", "p-alpha", ["member", "reader"], tokens.alice)],
  [tokens.bob, caller("u-bob", "p-beta", ["member", "reader"], tokens.bob)],
  [tokens.admin, caller("u-admin", "p-admin", ["admin", "member", "reader"], tokens.admin)]
])

/** The API on a random loopback port, with a throw-away database and in-memory broker. */
export const TestApi = HttpLive.pipe(
  Layer.provide([TokenValidator.layerStatic(callers), UserKeys.layerStatic, BrokerMemory.layer]),
  Layer.provideMerge(TestDatabase.layer),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/**
 * Sends a raw request to the test server: tests need to send what a typed client never would. Every
 * request is bounded (15 s unless `timeoutMs` says otherwise) so a hanging server fails the test rather
 * than stalling it.
 */
export const send = (
  method: string,
  path: string,
  options: {
    token?: string
    body?: unknown
    raw?: string
    headers?: Record<string, string>
    timeoutMs?: number
  } = {}
): Effect.Effect<Answer, never, HttpServer.HttpServer> =>
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers["x-auth-token"] = options.token
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined && headers["content-type"] === undefined)
      headers["content-type"] = "application/json"
    return yield* Effect.promise(async (): Promise<Answer> => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        ...(body === undefined ? {} : { body })
      })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed }
    })
  })
