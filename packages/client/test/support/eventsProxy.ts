import * as http from "node:http"
import { Effect } from "effect"

/**
 * What the proxy does with the n-th `GET /tasks/{id}/events` (the last plan applies to any further one):
 * pass it through; pass it until `stages` stage events went through, then reset the connection (a proxy's
 * timeout, a restarting API); or answer 502 (a proxy with no upstream).
 */
export type EventsPlan =
  | { readonly pass: true }
  | { readonly cutAfterStages: number }
  | { readonly status: 502 }

export interface Seen {
  readonly method: string
  readonly path: string
  /** The request's Last-Event-ID, if it had one. */
  readonly lastEventId: string | undefined
}

export interface EventsProxy {
  readonly url: string
  /** Every request that went through, in order. */
  readonly seen: () => ReadonlyArray<Seen>
}

/** Where the n-th complete stage event of `text` ends (after its blank line), or -1. */
const endOfStage = (text: string, n: number): number => {
  let from = 0
  let found = 0
  for (;;) {
    const start = text.indexOf("event: stage", from)
    if (start === -1) return -1
    const end = text.indexOf("\n\n", start)
    if (end === -1) return -1
    found += 1
    if (found === n) return end + 2
    from = end + 2
  }
}

/**
 * An HTTP proxy on a loopback port in front of `target`, which breaks event streams as `plans` say and
 * passes every other request through. Closed with the scope.
 */
export const eventsProxy = (target: string, plans: ReadonlyArray<EventsPlan>) =>
  Effect.acquireRelease(
    Effect.async<{ proxy: EventsProxy; server: http.Server }>((resume) => {
      const seen: Array<Seen> = []
      let streams = 0
      const upstream = new URL(target)
      const server = http.createServer((request, response) => {
        const path = request.url ?? "/"
        const header = request.headers["last-event-id"]
        seen.push({
          method: request.method ?? "GET",
          path,
          lastEventId: Array.isArray(header) ? header[0] : header
        })
        const isEvents = /^\/tasks\/[^/]+\/events$/.test(path.split("?")[0] ?? "")
        const plan: EventsPlan = isEvents
          ? (plans[Math.min(streams++, plans.length - 1)] ?? { pass: true })
          : { pass: true }
        if ("status" in plan) {
          response.writeHead(plan.status, { "content-type": "text/html" })
          response.end("<html><body>502 Bad Gateway</body></html>")
          return
        }
        const forward = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: request.method,
            path,
            headers: request.headers
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers)
            if ("pass" in plan) {
              answer.pipe(response)
              return
            }
            let text = ""
            answer.on("data", (chunk: Buffer) => {
              const before = text.length
              text += chunk.toString("utf8")
              const cut = endOfStage(text, plan.cutAfterStages)
              if (cut === -1) {
                response.write(chunk)
                return
              }
              // Forward up to the end of the last stage event allowed, then reset the connection.
              answer.destroy()
              response.write(text.slice(before, cut), () => response.socket?.destroy())
            })
            answer.on("end", () => response.end())
          }
        )
        forward.on("error", () => response.socket?.destroy())
        request.pipe(forward)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = address !== null && typeof address === "object" ? address.port : 0
        resume(Effect.succeed({ proxy: { url: `http://127.0.0.1:${port}`, seen: () => [...seen] }, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((done) => {
        server.closeAllConnections()
        server.close(() => done(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))
