/**
 * What `server.resize` needs of Nova's quotas: only the increase of cores and RAM from the old flavor to
 * the new one (a smaller flavor needs nothing). When the old flavor cannot be seen any more, the new
 * flavor's whole size is counted.
 */
import { Nova } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import type { QuotaNeeds } from "../cloud/quotas.js"
import type { ResizePlan } from "./checkRequest.js"

export const resizeNeeds = Effect.fn("ServerResize.resizeNeeds")(function* (plan: ResizePlan) {
  const previous = plan.previous_flavor
  const [flavor, old] = yield* Effect.all(
    [Nova.getFlavor(plan.flavor.id), Nova.findFlavor(previous.id ?? previous.name).pipe(Effect.option)],
    { concurrency: "unbounded" }
  )
  const oldCores = Option.match(old, { onNone: () => 0, onSome: (f) => f.vcpus })
  const oldRam = Option.match(old, { onNone: () => 0, onSome: (f) => f.ram })
  const needs: QuotaNeeds = {
    cores: Math.max(0, flavor.vcpus - oldCores),
    ram: Math.max(0, flavor.ram - oldRam)
  }
  return needs
})
