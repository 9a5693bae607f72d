/** A callback receiver for tests: node:http on 127.0.0.1, answering what the test says, keeping every POST. */
import { createServer, type IncomingHttpHeaders } from "node:http"
import { Effect } from "effect"

export interface Received {
  readonly headers: IncomingHttpHeaders
  /** The body's exact bytes, as text: what the signature is over. */
  readonly body: string
  /** The status this request was answered with. */
  readonly answered: number
}

/** Starts a receiver for the scope: `answer` sets the status of the next requests (200 at first). */
export const callbackReceiver = Effect.acquireRelease(
  Effect.async<{
    readonly url: string
    readonly port: number
    readonly received: Array<Received>
    readonly answer: (status: number) => void
    readonly close: () => Promise<void>
  }>((resume) => {
    const received: Array<Received> = []
    let status = 200
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        received.push({
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          answered: status
        })
        response.writeHead(status).end()
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(
        Effect.succeed({
          url: `http://127.0.0.1:${port}/hook`,
          port,
          received,
          answer: (next: number) => {
            status = next
          },
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections()
              server.close(() => done())
            })
        })
      )
    })
  }),
  (receiver) => Effect.promise(receiver.close)
)

/** A received body, parsed. */
export const eventOf = (received: Received) =>
  JSON.parse(received.body) as {
    readonly event: string
    readonly task: Record<string, unknown> & { readonly id: string; readonly state: string }
    readonly stage?: { readonly stage: string; readonly phase: string; readonly state: string }
  }
