/**
 * The quota check at the first stage of `server.create` (`resolveRequest`), on the cloud double as
 * alice: Nova's instances, cores and RAM, Neutron's ports and floating IPs and the key pair an import
 * needs; over any of them the task fails there with `quota.exceeded`, naming the quota, its limit, its
 * use and the need, and nothing reaches the cloud but reads. Quotas alice may not read leave the check
 * to the service's own refusal.
 */
import { describe, expect, it } from "@effect/vitest"
import { ServerCreate } from "@enamel/domain/flows"
import { Fault, type Quota } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import { aliceShape } from "./cloudShape.js"
import { createRequest } from "./fixtures.js"
import { failed, makeWorld, runToEnd, succeeded, type World } from "./harness.js"

const createTask = () => ({ taskId: crypto.randomUUID(), params: createRequest() })

/** The calls since `after` that change the cloud (anything but a read, or a token from Keystone). */
const writesSince = (world: World, after: number) =>
  Effect.map(world.cloud.calls, (calls) =>
    calls.filter((call) => call.seq > after && call.method !== "GET" && call.service !== "keystone")
  )

const lastSeq = (world: World) => Effect.map(world.cloud.calls, (calls) => calls.at(-1)?.seq ?? 0)

// createRequest: two m1.tiny servers (1 vCPU, 512 MiB each), two NICs each (one with a floating IP),
// a key pair to import.
const cases: ReadonlyArray<readonly [Partial<Quota>, string]> = [
  [{ instances: 1 }, "compute quota instances: limit 1, used 0, the request needs 2 more"],
  [{ cores: 1 }, "compute quota cores: limit 1, used 0, the request needs 2 more"],
  [{ ram: 1000 }, "compute quota ram: limit 1000 MiB, used 0 MiB, the request needs 1024 MiB more"],
  [{ ports: 3 }, "network quota port: limit 3, used 0, the request needs 4 more"],
  [{ floatingIps: 1 }, "network quota floatingip: limit 1, used 0, the request needs 2 more"],
  [{ keyPairs: 0 }, "compute quota key_pairs: limit 0, used 0, the request needs 1 more"]
]

describe("server.create's first stage checks the project's quotas", () => {
  for (const [quota, words] of cases) {
    it.live(`over ${Object.keys(quota).join()}: quota.exceeded at resolveRequest, nothing made`, () =>
      Effect.gen(function* () {
        const world = yield* makeWorld()
        yield* world.cloud.setQuota("alpha", quota)
        const baseline = yield* aliceShape(world)
        const before = yield* lastSeq(world)
        const outcome = yield* failed(yield* runToEnd(world, ServerCreate.flow, createTask()))
        expect(outcome.error).toMatchObject({ code: "quota.exceeded", stage: "resolveRequest" })
        expect(outcome.error.message).toContain(words)
        expect(outcome.error.message).toContain("nothing was made")
        expect(yield* writesSince(world, before)).toEqual([])
        expect(yield* aliceShape(world)).toEqual(baseline)
      })
    )
  }

  it.live("Nova's limits and Neutron's quotas alice may not read: the servers are built as before", () =>
    Effect.gen(function* () {
      const world = yield* makeWorld()
      const nova = yield* world.cloud.inject({
        service: "nova",
        method: "GET",
        path: "/limits",
        answer: Fault.status(403)
      })
      const neutron = yield* world.cloud.inject({
        service: "neutron",
        method: "GET",
        path: "/quotas/*/details",
        answer: Fault.status(403)
      })
      const made = yield* succeeded(yield* runToEnd(world, ServerCreate.flow, createTask()))
      expect(made.servers).toHaveLength(2)
      expect([yield* nova.fired, yield* neutron.fired]).toEqual([1, 1])
    })
  )
})
