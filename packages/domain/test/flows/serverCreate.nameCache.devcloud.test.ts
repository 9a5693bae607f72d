/**
 * `server.create` with a NameCache, against the dev cloud as alice: the second request for the same names
 * starts with the ids found by the first (no look-up before the first stage) and confirms them while the
 * server is made; a cached id that is wrong fails the task, undoes what was made, and the cache learns the
 * right id.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Nova } from "@enamel/openstack-clients"
import { Effect, Layer, Option, Schema } from "effect"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as NameCache from "../../src/flows/cloud/NameCache.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import {
  aliceCloud,
  fullServer,
  leftovers,
  newTask,
  nothingLeft,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { expectBuilt, failed, states, succeeded, timeline } from "./support/expectations.js"

const realTiny = Effect.map(Nova.findFlavor("m1.tiny"), (flavor) => flavor.id)

const withNameCache = Layer.merge(aliceCloud, NameCache.layer("10 minutes"))

/** The plan `resolveRequest` stored for the task. */
const planOf = (taskId: string) =>
  Effect.flatMap(timeline(taskId), (entries) => {
    const entry = entries.find((e) => e.path === "resolveRequest" && e.state === "SUCCEEDED")
    return Effect.orDie(Schema.decodeUnknown(ServerCreate.Plan)(entry?.result))
  })

describe("server.create with a NameCache, on the dev cloud", () => {
  layer(withNameCache, { timeout, excludeTestServices: true })((it) => {
    it.scoped(
      "names found the last time: the next task starts with their ids and confirms them alongside",
      () =>
        Effect.gen(function* () {
          const first = uniqueName("names-a")
          const firstTask = yield* newTask([first])
          const built = yield* succeeded(
            yield* runFlow(ServerCreate.flow, { taskId: firstTask, params: fullServer(first) })
          )
          yield* Effect.forEach(built.servers, expectBuilt)
          const firstPlan = yield* planOf(firstTask)
          expect(firstPlan?.cached_names).toBeUndefined()
          expect(states(yield* timeline(firstTask), "run")).not.toContain("confirmNames#1:SUCCEEDED")

          const second = uniqueName("names-b")
          const secondTask = yield* newTask([second])
          const again = yield* succeeded(
            yield* runFlow(ServerCreate.flow, { taskId: secondTask, params: fullServer(second) })
          )
          yield* Effect.forEach(again.servers, expectBuilt)
          const secondPlan = yield* planOf(secondTask)
          const network = firstPlan?.networks[0]
          const boot = firstPlan?.boot
          const bootImage =
            boot?._tag === "volume" && boot.source._tag === "image" ? boot.source.image_id : ""
          expect(secondPlan?.cached_names?.map((n) => [n.kind, n.name, n.id]).sort()).toEqual(
            [
              ["image", "tiny", bootImage],
              ["flavor", "m1.tiny", firstPlan?.flavor_id],
              [
                "network",
                "private",
                network !== undefined && "network_id" in network ? network.network_id : ""
              ],
              ["security group", "default", network?.security_group_ids?.[0]],
              ["external network", "public", network?.floating_network_id]
            ].sort()
          )
          expect(states(yield* timeline(secondTask), "run")).toContain("confirmNames#1:SUCCEEDED")
        }),
      { timeout: 240_000 }
    )

    it.scoped(
      "a cached id that is wrong: confirmNames fails the task, what was made is undone, the cache is put right",
      () =>
        Effect.gen(function* () {
          // The cache says m1.tiny is m1.small: the server would be built, with the wrong flavor.
          const cache = yield* NameCache.NameCache
          const key = yield* NameCache.keyOf("flavor", "m1.tiny")
          const other = (yield* Nova.findFlavor("m1.small")).id
          yield* cache.set(key, other)
          const name = uniqueName("names-stale")
          const taskId = yield* newTask([name])
          const outcome = yield* failed(
            yield* runFlow(ServerCreate.flow, { taskId, params: fullServer(name) })
          )
          expect(outcome.compensation.failed).toEqual([])
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toContain("confirmNames#1:FAILED")
          const confirm = entries.find((e) => e.path === "confirmNames" && e.state === "FAILED")
          expect(confirm?.error?.code).toBe("server.request_unresolved")
          expect(confirm?.error?.message).toContain(`flavor m1.tiny is ${yield* realTiny} now, not ${other}`)
          expect(outcome.error.code).toBe("server.request_unresolved")
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
          expect(yield* cache.get(key)).toEqual(Option.some(yield* realTiny))
        }),
      { timeout: 240_000 }
    )
  })
})
