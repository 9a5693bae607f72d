import * as net from "node:net"
import { Effect } from "effect"

/**
 * A TCP proxy on a loopback port in front of a real server (PostgreSQL, RabbitMQ), that a test can cut
 * (every connection reset, new ones refused) and restore: an outage of that server as its clients see
 * it, without disturbing anyone else using the server.
 */
export interface TcpProxy {
  readonly port: number
  readonly cut: Effect.Effect<void>
  readonly restore: Effect.Effect<void>
}

export const tcpProxy = (targetPort: number, targetHost = "127.0.0.1") =>
  Effect.acquireRelease(
    Effect.async<{ proxy: TcpProxy; close: () => void }>((resume) => {
      const sockets = new Set<net.Socket>()
      let server: net.Server | undefined
      let port = 0
      const listen = (onListening: () => void) => {
        server = net.createServer((client) => {
          const upstream = net.connect(targetPort, targetHost)
          sockets.add(client)
          sockets.add(upstream)
          const drop = () => {
            client.destroy()
            upstream.destroy()
            sockets.delete(client)
            sockets.delete(upstream)
          }
          client.on("error", drop).on("close", drop)
          upstream.on("error", drop).on("close", drop)
          client.pipe(upstream).pipe(client)
        })
        server.listen(port, "127.0.0.1", () => {
          const address = server?.address()
          if (address !== null && typeof address === "object") port = address.port
          onListening()
        })
      }
      const cut = () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy()
          sockets.clear()
          if (server === undefined) return done()
          server.close(() => done())
          server = undefined
        })
      listen(() =>
        resume(
          Effect.succeed({
            proxy: {
              port,
              cut: Effect.promise(cut),
              restore: Effect.async<void>((done) => listen(() => done(Effect.void)))
            },
            close: () => void cut()
          })
        )
      )
    }),
    ({ close }) => Effect.sync(close)
  ).pipe(Effect.map(({ proxy }) => proxy))
