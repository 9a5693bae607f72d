/**
 * The Prometheus exporter: Effect's metrics rendered as text exposition format 0.0.4, the format every
 * Prometheus server and `promtool check metrics` read.
 */
import { describe, expect, it } from "@effect/vitest"
import { Prometheus } from "@enamel/domain"
import { Effect, Metric, MetricBoundaries, Ref } from "effect"

// The registry is global (and test files share a process): every name here is this file's own.
const prefix = `test_prom_${crypto.randomUUID().replace(/-/g, "").slice(0, 8)}`
const ours = (start: string) =>
  Effect.map(Metric.snapshot, (pairs) =>
    Prometheus.render(pairs.filter((p) => p.metricKey.name.startsWith(start)))
  )

/** A sample line as the format defines it: name, optional labels, a value. */
const sampleLine =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/

describe("Prometheus exporter", () => {
  it.effect("renders counters, gauges and histograms with HELP, TYPE, labels, buckets, sum and count", () =>
    Effect.gen(function* () {
      const accepted = Metric.counter(`${prefix}_accepted_total`, {
        description: "Tasks accepted, by type.",
        incremental: true
      })
      yield* Metric.incrementBy(Metric.tagged(accepted, "type", "server.create"), 2)
      yield* Metric.increment(Metric.tagged(accepted, "type", "server.delete"))
      const depth = Metric.gauge(`${prefix}_depth`, { description: "Rows waiting." })
      yield* Metric.set(depth, 7)
      const duration = Metric.histogram(
        `${prefix}_duration_seconds`,
        MetricBoundaries.fromIterable([0.1, 1, 10]),
        "How long it took."
      )
      const tagged = Metric.taggedWithLabels(duration, [])
      for (const seconds of [0.05, 0.5, 0.7, 5, 50])
        yield* Metric.update(Metric.tagged(tagged, "stage", "boot"), seconds)

      const text = yield* ours(`${prefix}_`)
      expect(text.split("\n")).toEqual([
        `# HELP ${prefix}_accepted_total Tasks accepted, by type.`,
        `# TYPE ${prefix}_accepted_total counter`,
        `${prefix}_accepted_total{type="server.create"} 2`,
        `${prefix}_accepted_total{type="server.delete"} 1`,
        `# HELP ${prefix}_depth Rows waiting.`,
        `# TYPE ${prefix}_depth gauge`,
        `${prefix}_depth 7`,
        `# HELP ${prefix}_duration_seconds How long it took.`,
        `# TYPE ${prefix}_duration_seconds histogram`,
        // Cumulative, as Prometheus reads them, ending with +Inf = count.
        `${prefix}_duration_seconds_bucket{stage="boot",le="0.1"} 1`,
        `${prefix}_duration_seconds_bucket{stage="boot",le="1"} 3`,
        `${prefix}_duration_seconds_bucket{stage="boot",le="10"} 4`,
        `${prefix}_duration_seconds_bucket{stage="boot",le="+Inf"} 5`,
        `${prefix}_duration_seconds_sum{stage="boot"} 56.25`,
        `${prefix}_duration_seconds_count{stage="boot"} 5`,
        ""
      ])
      for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#")))
        expect(line).toMatch(sampleLine)
    })
  )

  it.effect("escapes label values and help text, and cleans names Prometheus would refuse", () =>
    Effect.gen(function* () {
      const odd = Metric.counter(`${prefix}.odd-name`, {
        description: "Back\\slash and\nnew line.",
        incremental: true
      })
      yield* Metric.increment(Metric.tagged(odd, "stage", 'server[]/say "hi"\\\n'))
      const text = yield* ours(`${prefix}.`)
      expect(text).toBe(
        [
          `# HELP ${prefix}_odd_name Back\\\\slash and\\nnew line.`,
          `# TYPE ${prefix}_odd_name counter`,
          `${prefix}_odd_name{stage="server[]/say \\"hi\\"\\\\\\n"} 1`,
          ""
        ].join("\n")
      )
    })
  )

  it.effect("an Effect counter that may go down (not incremental) is a Prometheus gauge", () =>
    Effect.gen(function* () {
      const active = Metric.counter(`${prefix}-active`)
      yield* Metric.incrementBy(active, 3)
      yield* Metric.incrementBy(active, -1)
      expect(yield* ours(`${prefix}-`)).toBe(
        [
          `# HELP ${prefix}_active ${prefix}_active`,
          `# TYPE ${prefix}_active gauge`,
          `${prefix}_active 2`,
          ""
        ].join("\n")
      )
    })
  )

  it.effect("a scrape runs its samplers first, and one that fails hides no other metric", () =>
    Effect.gen(function* () {
      const sampled = Metric.gauge(`${prefix}_sampled`, { description: "Read at scrape time." })
      const text = yield* Prometheus.scrape([Effect.fail("database down"), Metric.set(sampled, 42)])
      expect(text).toContain(`${prefix}_sampled 42\n`)
    })
  )

  it.effect("a registered sampler runs at every scrape of the process while its scope lasts", () =>
    Effect.gen(function* () {
      const reads = yield* Ref.make(0)
      const registered = Metric.gauge(`${prefix}_registered`, {
        description: "Read by a registered sampler."
      })
      const sample = Effect.flatMap(
        Ref.updateAndGet(reads, (n) => n + 1),
        (n) => Metric.set(registered, n)
      )
      // A route builds its scrape once, before the pools (say) register their sampler.
      const routeScrape = Prometheus.scrape()
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* Prometheus.addSampler(sample)
          expect(yield* routeScrape).toContain(`${prefix}_registered 1\n`)
          // Beside the samplers a route gives: both run.
          const extra = Metric.gauge(`${prefix}_extra`, { description: "Given by the route." })
          const text = yield* Prometheus.scrape([Metric.set(extra, 7)])
          expect(text).toContain(`${prefix}_registered 2\n`)
          expect(text).toContain(`${prefix}_extra 7\n`)
        })
      )
      // Its scope closed (the pools stopped): no longer run.
      yield* Prometheus.scrape()
      expect(yield* Ref.get(reads)).toBe(2)
    })
  )
})
