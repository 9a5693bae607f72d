/**
 * OpenStack calls counted and timed against the real dev cloud: by service, method and status (a 404 is
 * its own series), with a latency histogram; the path (which carries ids) is never a label.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Nova, OpenStackMetrics } from "@enamel/openstack-clients"
import { Effect, Metric, MetricLabel } from "effect"
import { cloudLayer } from "../support/cloud.js"

const calls = (status: string) =>
  Metric.taggedWithLabels(OpenStackMetrics.openstackCalls, [
    MetricLabel.make("service", "nova"),
    MetricLabel.make("method", "GET"),
    MetricLabel.make("status", status)
  ])
const latency = Metric.taggedWithLabels(OpenStackMetrics.openstackCallDuration, [
  MetricLabel.make("service", "nova"),
  MetricLabel.make("method", "GET")
])

describe("OpenStack call metrics (dev cloud, as alice)", () => {
  layer(cloudLayer("alice"), { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("a found flavor counts as GET 200 and a missing one as GET 404, both timed", () =>
      Effect.gen(function* () {
        // The session's first call also negotiates the microversion (GET on Nova's root): done first.
        const flavor = yield* Nova.findFlavor("m1.tiny")
        const ok = (yield* Metric.value(calls("200"))).count
        const notFound = (yield* Metric.value(calls("404"))).count
        const timed = yield* Metric.value(latency)

        yield* Nova.getFlavor(flavor.id)
        yield* Nova.getFlavor(flavor.id)
        yield* Effect.flip(Nova.getFlavor("no-such-flavor"))

        expect((yield* Metric.value(calls("404"))).count - notFound).toBe(1)
        expect((yield* Metric.value(calls("200"))).count - ok).toBe(2)
        const after = yield* Metric.value(latency)
        expect(after.count - timed.count).toBe(3)
        // Real calls over the network take some time, and far less than a minute each.
        expect(after.sum - timed.sum).toBeGreaterThan(0)
        expect(after.max).toBeLessThan(60)
        // No series names a path or an id.
        const keys = (yield* Metric.snapshot)
          .filter((p) => p.metricKey.name.startsWith("enamel_openstack_"))
          .flatMap((p) => p.metricKey.tags.map((t) => t.key))
        expect([...new Set(keys)].sort()).toEqual(["method", "service", "status"])
      })
    )
  })
})
