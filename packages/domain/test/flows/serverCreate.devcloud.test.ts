/**
 * `server.create` against the real dev cloud (needs `devcloud/devcloud up`): servers with a boot volume,
 * a port and a floating IP reach ACTIVE with everything attached; a request naming something missing
 * fails before anything is created.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Clock, Effect } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import {
  aliceCloud,
  createRequest,
  fullServer,
  keypairCleanUp,
  keypairExists,
  leftovers,
  newTask,
  nothingLeft,
  sshPublicKey,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { expectBuilt, failed, states, succeeded, timeline } from "./support/expectations.js"

describe("server.create on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "boots 1 server from a new volume, on a new port with a floating IP, with an imported keypair",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("one")
          const keypair = uniqueName("key")
          const taskId = yield* newTask([name])
          yield* keypairCleanUp(keypair)
          const params = fullServer(name, { keypair: { name: keypair, public_key: sshPublicKey() } })

          const started = yield* Clock.currentTimeMillis
          const result = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params }))
          const elapsed = (yield* Clock.currentTimeMillis) - started
          yield* Effect.log(`server.create, 1 server with boot volume, port and floating IP: ${elapsed} ms`)

          expect(result.servers).toHaveLength(1)
          const [server] = result.servers
          if (server === undefined) return
          expect(server.name).toBe(name)
          expect(server.volume_id).toBeDefined()
          expect(server.ports).toHaveLength(1)
          expect(server.floating_ips).toHaveLength(1)
          expect(server.addresses?.private?.[0]).toMatch(/^10\.0\.1\./)
          yield* expectBuilt(server)
          expect(yield* keypairExists(keypair)).toBe(true)

          // Every stage ran once, and each records the OpenStack request ids of its calls.
          const entries = yield* timeline(taskId)
          expect(states(entries, "run").sort()).toEqual(
            [
              "importKeypair#1:SUCCEEDED",
              "resolveRequest#1:SUCCEEDED",
              "server[0]/bootServer#1:SUCCEEDED",
              "server[0]/createBootVolume#1:SUCCEEDED",
              "server[0]/network[0]/createFloatingIp#1:SUCCEEDED",
              "server[0]/network[0]/createPort#1:SUCCEEDED",
              "server[0]/waitServerActive#1:SUCCEEDED",
              "server[0]/waitVolumeAvailable#1:SUCCEEDED"
            ].sort()
          )
          for (const entry of entries.filter((e) => e.phase === "run")) {
            expect(entry.detail.requestIds.length, entry.path).toBeGreaterThan(0)
            for (const id of entry.detail.requestIds) expect(id).toMatch(/^req-[0-9a-f-]{36}$/)
          }
          // The result is stored as JSON and carries no key material.
          const flowEntry = entries.find((e) => e.phase === "flow")
          expect(JSON.stringify(flowEntry?.result)).not.toContain("ssh-ed25519")
        }),
      { timeout: 120_000, concurrent: true }
    )

    it.scoped(
      "boots 3 servers named <name>-1..3, each with its own volume, port and floating IP",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("three")
          const names = [`${name}-1`, `${name}-2`, `${name}-3`]
          const taskId = yield* newTask(names)
          const params = fullServer(name, { count: 3 })
          const result = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params }))
          expect(result.servers.map((s) => s.name)).toEqual(names)
          yield* Effect.forEach(result.servers, expectBuilt, { concurrency: "unbounded" })
          const distinct = (ids: ReadonlyArray<string | undefined>) => new Set(ids).size
          expect(distinct(result.servers.map((s) => s.id))).toBe(3)
          expect(distinct(result.servers.map((s) => s.volume_id))).toBe(3)
          expect(distinct(result.servers.flatMap((s) => s.ports.map((p) => p.id)))).toBe(3)
          expect(distinct(result.servers.flatMap((s) => s.floating_ips.map((ip) => ip.address)))).toBe(3)
          // Exactly what the result names, nothing more.
          const left = yield* leftovers(taskId, names)
          expect(left.servers).toHaveLength(3)
          expect(left.volumes).toHaveLength(3)
          expect(left.ports).toHaveLength(3)
          expect(left.floating_ips).toHaveLength(3)
        }),
      { timeout: 120_000, concurrent: true }
    )

    it.scoped(
      "a request naming a missing flavor, image and network fails before anything is created, naming them all",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("missing")
          const taskId = yield* newTask([name])
          const params = createRequest({
            name,
            image: "no-such-image",
            flavor: "m1.huge",
            boot_volume: { size_gb: 1 },
            networks: [{ network: "private", floating_ip: { network: "public" } }, { network: "nowhere" }]
          })
          const outcome = yield* failed(yield* runFlow(ServerCreate.flow, { taskId, params }))
          expect(outcome.error.code).toBe("server.request_unresolved")
          expect(outcome.error.stage).toBe("resolveRequest")
          expect(outcome.error.message).toContain("flavor m1.huge not found")
          expect(outcome.error.message).toContain("image no-such-image not found")
          expect(outcome.error.message).toContain("network nowhere not found")
          expect(outcome.compensation).toEqual({ compensated: [], failed: [] })
          expect(states(yield* timeline(taskId), "run")).toEqual(["resolveRequest#1:FAILED"])
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 60_000, concurrent: true }
    )

    it.scoped(
      "an existing keypair with a different key, or a floating IP from an internal network, fail fast",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("refused")
          const keypair = uniqueName("key")
          yield* keypairCleanUp(keypair)
          const first = yield* newTask([name])
          yield* succeeded(
            yield* runFlow(ServerCreate.flow, {
              taskId: first,
              params: createRequest({
                name,
                image: "tiny",
                flavor: "m1.tiny",
                networks: [{ network: "private" }],
                keypair: { name: keypair, public_key: sshPublicKey() }
              })
            })
          )
          const taskId = yield* newTask([`${name}-b`])
          const params = createRequest({
            name: `${name}-b`,
            image: "tiny",
            flavor: "m1.tiny",
            networks: [{ network: "private", floating_ip: { network: "private" } }],
            keypair: { name: keypair, public_key: sshPublicKey() }
          })
          const outcome = yield* failed(yield* runFlow(ServerCreate.flow, { taskId, params }))
          expect(outcome.error.message).toContain(`keypair ${keypair} exists with a different public key`)
          expect(outcome.error.message).toContain("network private is not external")
          expect(yield* leftovers(taskId, [`${name}-b`])).toEqual(nothingLeft)
        }),
      { timeout: 120_000, concurrent: true }
    )
  })
})
