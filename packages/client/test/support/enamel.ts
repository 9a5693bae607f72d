/**
 * Enamel for the client's fast tests: the API and a worker in one process on in-memory layers (PGlite in
 * a fresh data dir, the in-process broker, static tokens, the cloud double for the API's checks), whose
 * `server.create` runs a stand-in flow; and sessions the tests control.
 */
import { createServer } from "node:http"
import * as net from "node:net"
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Flow, runnable, Stage } from "@enamel/domain"
import { ServerCreate } from "@enamel/domain/flows"
import { embeddedAt } from "@enamel/embedded"
import {
  type Authentication,
  type Catalog,
  Session,
  type SessionShape,
  selectEndpoint
} from "@enamel/openstack-clients"
import * as TestDatabase from "@enamel/persistence/testing"
import { TaskFlowsLayer, taskFlow } from "@enamel/worker"
import { ConfigProvider, DateTime, Effect, Layer, Redacted, Ref, Schema } from "effect"
import { TestEdges, tokens } from "../../../api/test/harness.js"

export { tokens }

const step = Stage.make({
  name: "step",
  result: Schema.String,
  run: (sleepMs: number, ctx) => Effect.as(Effect.sleep(sleepMs), ctx.path),
  compensate: () => Effect.void
})

/** `server.create` stand-in: `slow-*` takes eight steps of 250 ms, anything else three of 20 ms. */
const standIn = Flow.make({
  type: "server.create",
  // The version the API gives new tasks: a worker runs no other.
  version: ServerCreate.flow.version,
  params: Schema.Struct({ name: Schema.String }),
  result: Schema.Array(Schema.String),
  program: ({ name }) =>
    Effect.forEach(
      Array.from({ length: name.startsWith("slow") ? 8 : 3 }, (_, i) => i),
      (i) => Flow.scoped(`s${i}`)(Flow.stage(step, name.startsWith("slow") ? 250 : 20))
    )
})

const settings = Layer.setConfigProvider(
  ConfigProvider.fromMap(
    new Map([
      ["ENAMEL_WORKER_TOPICS", "server.create=4,server.delete=2"],
      ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
      ["ENAMEL_ACCESS_LOG", "false"]
    ])
  )
)

/** The API and a worker on a random loopback port, over PGlite in a fresh data dir. */
export const EnamelInMemory = Layer.unwrapScoped(
  Effect.map(TestDatabase.freshDataDir, (dataDir) =>
    embeddedAt(
      dataDir,
      TaskFlowsLayer.layer([taskFlow(runnable(standIn), () => Layer.empty)]),
      TestEdges,
      NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })
    ).pipe(Layer.provide(TestEdges))
  )
).pipe(Layer.provide(settings))

/** The test API's base URL. */
export const apiUrl = Effect.map(HttpServer.HttpServer, (server) =>
  server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://unknown"
)

/** The URL of a loopback port nothing listens on (it was free a moment ago). */
export const closedPortUrl = Effect.async<string>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = address !== null && typeof address === "object" ? address.port : 0
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})

/** A catalog with Enamel's `porcelain` endpoint at `url` (public, RegionOne). */
export const catalogWith = (url: string): Catalog => [
  { type: "porcelain", name: "enamel", endpoints: [{ interface: "public", url, region_id: "RegionOne" }] }
]

const authentication = (token: string, catalog: Catalog): Authentication => {
  const now = DateTime.unsafeNow()
  return {
    token: Redacted.make(token),
    catalog,
    info: {
      methods: ["password"],
      user: { id: "alice-id", name: "alice" },
      project: { id: "alpha-id", name: "alpha" },
      roles: [{ id: "member-id", name: "member" }],
      issuedAt: now,
      expiresAt: DateTime.add(now, { hours: 1 }),
      applicationCredential: undefined
    }
  }
}

export interface TestSession {
  readonly session: SessionShape
  /** How many times the client asked for a new token. */
  readonly reauthentications: Effect.Effect<number>
}

/**
 * A session that holds `tokens[0]` and moves to the next token each time it is asked to authenticate
 * again (staying on the last), with `catalog` as its token's catalog.
 */
export const testSession = (held: readonly [string, ...Array<string>], catalog: Catalog = []) =>
  Effect.gen(function* () {
    const index = yield* Ref.make(0)
    const current = Effect.map(Ref.get(index), (i) =>
      authentication(held[Math.min(i, held.length - 1)] ?? held[0], catalog)
    )
    const session = Session.of({
      authUrl: "http://keystone.test/v3",
      interface: "public",
      region: "RegionOne",
      authentication: current,
      reauthenticate: () =>
        Effect.zipRight(
          Ref.update(index, (i) => i + 1),
          current
        ),
      endpoint: (serviceType) =>
        Effect.flatMap(current, (auth) =>
          selectEndpoint(auth.catalog, { serviceType, interface: "public", region: "RegionOne" })
        )
    })
    const result: TestSession = { session, reauthentications: Ref.get(index) }
    return result
  })
