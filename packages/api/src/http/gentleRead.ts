import { IncomingMessage } from "node:http"
import type { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect } from "effect"

/** Node's request under the platform's, when the server is Node's. */
const nodeRequest = (request: HttpServerRequest.HttpServerRequest): IncomingMessage | undefined => {
  const source: unknown = NodeHttpServerRequest.toIncomingMessage(request)
  return source instanceof IncomingMessage ? source : undefined
}

/**
 * Runs `read` (which reads the body) so that a body past the limit still gets its 413. The platform
 * stops reading there and destroys the request, and Node then resets the connection: a client that
 * sent its body chunked (no Content-Length) saw a reset, not the answer. While `read` runs, a destroy
 * without an error (the platform's) discards the rest of the upload instead; one with an error (the
 * client went away) still destroys.
 */
export const readGently = <A, E, R>(
  request: HttpServerRequest.HttpServerRequest,
  read: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const incoming = nodeRequest(request)
  if (incoming === undefined) return read
  return Effect.acquireUseRelease(
    Effect.sync(() => {
      const destroy = incoming.destroy
      incoming.destroy = function (this: IncomingMessage, error?: Error) {
        if (error !== undefined) return destroy.call(this, error)
        this.removeAllListeners("data")
        this.resume()
        return this
      }
      return destroy
    }),
    () => read,
    (destroy) =>
      Effect.sync(() => {
        incoming.destroy = destroy
      })
  )
}
