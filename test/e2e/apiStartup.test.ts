/**
 * The API process, and the embedded process, listen only once they can answer. While it starts (database migrated, RabbitMQ
 * connected, Enamel's service user logged in to Keystone), a connection is refused, so a client or a
 * load balancer tries again; it is never accepted and left unanswered (Node's server drops requests
 * that arrive before the app is attached to it).
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Fiber, Layer } from "effect"
import { afterAll } from "vitest"
import { ApiProcess } from "../../packages/api/src/ApiProcess.js"
import { EnamelProcess } from "../../packages/embedded/src/EmbeddedProcess.js"
import { uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { freePort } from "./apiProcesses.js"
import { configWith, identityEnv } from "./enamel.js"

const namespace = uniqueName("startup")
afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: [], own: true })))

type Probe = "refused" | "answered" | "unanswered"

/** One GET / with a bound: refused, answered, or accepted and left unanswered. */
const probe = (port: number) =>
  Effect.promise(
    (): Promise<Probe> =>
      fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3_000) }).then(
        () => "answered",
        (error: unknown) =>
          error instanceof Error && error.name === "TimeoutError" ? "unanswered" : "refused"
      )
  )

/** Starts `process` with `settings` and probes its port every 20 ms until one probe is answered. */
const probeWhileStarting = <E>(
  process: Layer.Layer<never, E>,
  settings: ReadonlyArray<readonly [string, string]>
) =>
  Effect.gen(function* () {
    const port = yield* freePort
    const config = configWith([
      ...Object.entries(identityEnv("enamel")),
      ...settings,
      ["ENAMEL_API_PORT", String(port)],
      ["ENAMEL_AMQP_NAMESPACE", namespace],
      ["ENAMEL_ACCESS_LOG", "false"]
    ])
    yield* Effect.forkScoped(Effect.withConfigProvider(Layer.launch(process), config))
    const probes: Array<Fiber.RuntimeFiber<Probe>> = []
    for (let i = 0; i < 3_000; i++) {
      probes.push(yield* Effect.fork(probe(port)))
      yield* Effect.sleep("20 millis")
      const done = yield* Effect.forEach(probes, (p) => Fiber.poll(p))
      if (done.some((o) => o._tag === "Some" && o.value._tag === "Success" && o.value.value === "answered"))
        break
    }
    const outcomes = yield* Effect.forEach(probes, Fiber.join)
    const count = (o: Probe) => outcomes.filter((x) => x === o).length
    expect(count("answered")).toBeGreaterThan(0)
    // The process took a while to start: the probes saw it refuse first.
    expect(count("refused")).toBeGreaterThan(0)
    expect(count("unanswered")).toBe(0)
  })

describe("Enamel starting: connections are refused until it can answer them, none left unanswered", () => {
  layer(TestDatabase.layer, { excludeTestServices: true, timeout: 60_000 })((it) => {
    it.scoped("the API process (PostgreSQL migrated, RabbitMQ, Keystone)", () =>
      Effect.flatMap(TestDatabase.TestDatabaseUrl, (url) =>
        probeWhileStarting(ApiProcess, [["ENAMEL_DATABASE_URL", url.toString()]])
      )
    )
  })

  layer(Layer.empty, { excludeTestServices: true, timeout: 90_000 })((it) => {
    it.scoped("the embedded process (PGlite started and migrated, Keystone)", () =>
      Effect.flatMap(TestDatabase.freshDataDir, (dataDir) =>
        probeWhileStarting(EnamelProcess, [["ENAMEL_DATA_DIR", dataDir]])
      )
    )
  })
})
