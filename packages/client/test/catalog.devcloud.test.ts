/**
 * The client on the dev cloud, configured as a user would be (OS_CLOUD=alice in clouds.yaml, no
 * ENAMEL_URL): it finds Enamel in Keystone's catalog by type `porcelain`, creates a server as alice and
 * waits for it, then deletes it; nothing is left. Enamel (API and worker, in-process, on PostgreSQL and
 * RabbitMQ) listens on a random port, so the test registers that URL as a `porcelain` endpoint in a region
 * of its own, which only its client's session asks for: tests running at the same time, and the dev
 * cloud's own `porcelain` endpoint in RegionOne, are not touched. Both go when the test ends. First, the
 * dev cloud's own registration: service `enamel`, type `porcelain`, public and internal in RegionOne.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { EnamelClient, serviceType, type TaskEvent } from "@enamel/client"
import type { SessionShape } from "@enamel/openstack-clients"
import { ConfigProvider, Context, Effect, Layer, Redacted, Ref, Schema } from "effect"
import { afterAll } from "vitest"
import {
  cloudCount,
  deleteUserKeysAtEnd,
  enamelApi,
  inProcessWorkerSettings
} from "../../../test/e2e/enamel.js"
import { cloudsFile, sessionFor, uniqueName } from "../../openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../worker/src/WorkerProcess.js"
import { apiUrl } from "./support/enamel.js"

const namespace = uniqueName("client")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace, [["ENAMEL_ACCESS_LOG", "false"]]))
)

/** A call to Keystone's v3 API as `session` (the admin's), answering its JSON. */
const keystone = (session: SessionShape, method: string, path: string, body?: unknown) =>
  Effect.flatMap(session.authentication, (auth) =>
    Effect.promise(async () => {
      const response = await fetch(`${session.authUrl.replace(/\/+$/, "")}/${path}`, {
        method,
        headers: { "x-auth-token": Redacted.value(auth.token), "content-type": "application/json" },
        signal: AbortSignal.timeout(15_000),
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`Keystone ${method} ${path}: ${response.status} ${text}`)
      return text === "" ? null : JSON.parse(text)
    })
  )

const Services = Schema.Struct({ services: Schema.Array(Schema.Struct({ id: Schema.String })) })
const Created = Schema.Struct({ endpoint: Schema.Struct({ id: Schema.String }) })

/** Enamel at `url` in the catalog, in a region of its own (removed with the scope); the region's id. */
const registerInOwnRegion = (url: string) =>
  Effect.gen(function* () {
    const admin = yield* sessionFor("admin")
    const region = uniqueName("region")
    const services = yield* Effect.flatMap(
      keystone(admin, "GET", `services?type=${serviceType}`),
      Schema.decodeUnknown(Services)
    )
    const service = services.services[0]
    if (service === undefined) {
      return yield* Effect.dieMessage(`no ${serviceType} service in the catalog: run devcloud/devcloud up`)
    }
    yield* Effect.acquireRelease(
      keystone(admin, "POST", "regions", {
        region: { id: region, description: "packages/client catalog test; safe to delete" }
      }),
      () => Effect.ignore(keystone(admin, "DELETE", `regions/${region}`))
    )
    yield* Effect.acquireRelease(
      Effect.flatMap(
        keystone(admin, "POST", "endpoints", {
          endpoint: { service_id: service.id, interface: "public", region_id: region, url }
        }),
        Schema.decodeUnknown(Created)
      ),
      ({ endpoint }) => Effect.ignore(keystone(admin, "DELETE", `endpoints/${endpoint.id}`))
    )
    return region
  }).pipe(Effect.orDie)

const Endpoints = Schema.Struct({
  endpoints: Schema.Array(
    Schema.Struct({ interface: Schema.String, url: Schema.String, region_id: Schema.String })
  )
})

describe("EnamelClient on the dev cloud", () => {
  layer(Enamel, { timeout: 240_000, excludeTestServices: true })((it) => {
    it.scoped("the dev cloud registers Enamel as service enamel of type porcelain, public and internal", () =>
      Effect.gen(function* () {
        const admin = yield* sessionFor("admin")
        const services = yield* Effect.flatMap(
          keystone(admin, "GET", `services?type=${serviceType}`),
          Schema.decodeUnknown(
            Schema.Struct({
              services: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String }))
            })
          )
        )
        expect(services.services.map((s) => s.name)).toEqual(["enamel"])
        const service = services.services[0]
        if (service === undefined) return
        const { endpoints } = yield* Effect.flatMap(
          keystone(admin, "GET", `endpoints?service_id=${service.id}`),
          Schema.decodeUnknown(Endpoints)
        )
        // RegionOne's: a test like the one below may have added one in a region of its own meanwhile.
        const regionOne = endpoints.filter((e) => e.region_id === "RegionOne")
        expect(regionOne.map((e) => [e.interface, e.url]).sort()).toEqual([
          ["internal", "http://127.0.0.1:8780"],
          ["public", "http://127.0.0.1:8780"]
        ])
      })
    )

    it.scoped("finds Enamel in the catalog, creates a server as alice, waits for it and deletes it", () =>
      Effect.gen(function* () {
        const url = yield* apiUrl
        const region = yield* registerInOwnRegion(url)
        const alice = yield* sessionFor("alice")
        yield* deleteUserKeysAtEnd(alice)

        // As a user configures it: OS_CLOUD in clouds.yaml and the region to look Enamel up in; nothing
        // else (no ENAMEL_URL, whatever the test run's environment has).
        const clouds = yield* cloudsFile
        const settings = ConfigProvider.fromMap(
          new Map([
            ["OS_CLOUD", "alice"],
            ["OS_CLIENT_CONFIG_FILE", clouds],
            ["OS_REGION_NAME", region]
          ])
        )
        const client = yield* Layer.build(EnamelClient.layerConfig).pipe(
          Effect.withConfigProvider(settings),
          Effect.map(Context.get(EnamelClient))
        )
        expect(client.url).toBe(url)

        const events = yield* Ref.make<ReadonlyArray<TaskEvent>>([])
        const onEvent = (event: TaskEvent) => Ref.update(events, (all) => [...all, event])
        const { task } = yield* client.api.porcelain.createServers({
          payload: {
            name: uniqueName("client"),
            count: 1,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private" }],
            priority: 5
          },
          headers: {}
        })
        const created = yield* client.waitForTask(task.id, { onEvent })
        expect([created.state, created.error]).toEqual(["SUCCEEDED", null])
        expect(created.timeline.some((entry) => entry.request_ids.length > 0)).toBe(true)
        const seen = yield* Ref.get(events)
        expect(seen.filter((e) => e._tag === "Stage").length).toBeGreaterThan(3)
        expect(seen.at(-1)).toMatchObject({ _tag: "Task", task: { id: task.id, state: "SUCCEEDED" } })

        const server = Schema.decodeUnknownSync(
          Schema.Struct({ servers: Schema.Array(Schema.Struct({ id: Schema.String })) })
        )(created.result).servers[0]
        expect(server).toBeDefined()
        if (server === undefined) return
        const deleting = yield* client.api.porcelain.deleteServer({
          path: { id: server.id },
          urlParams: {},
          headers: {}
        })
        const deleted = yield* client.waitForTask(deleting.task.id)
        expect([deleted.state, deleted.error]).toEqual(["SUCCEEDED", null])
        expect(yield* cloudCount(task.id, alice)).toEqual({
          servers: 0,
          volumes: 0,
          ports: 0,
          floatingIps: 0
        })
      })
    )
  })
})
