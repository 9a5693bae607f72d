/**
 * Effect's metrics as Prometheus text (exposition format 0.0.4). Code records with `Metric` (counters,
 * gauges, histograms, tagged with bounded labels); a scrape renders `Metric.snapshot` here. Effect only:
 * the HTTP routes that serve it live with each process's server.
 */
import { Effect, Metric, MetricKeyType, type MetricPair, MetricState, Option, type Scope } from "effect"

/** The Content-Type of the text this module renders. */
export const contentType = "text/plain; version=0.0.4; charset=utf-8"

type Kind = "counter" | "gauge" | "histogram" | "summary"

interface Family {
  readonly name: string
  readonly kind: Kind
  help: string
  readonly lines: Array<string>
}

/** A metric name Prometheus accepts: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
const metricName = (name: string): string => {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, "_")
  return /^[a-zA-Z_:]/.test(cleaned) ? cleaned : `_${cleaned}`
}

const labelName = (name: string): string => {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, "_")
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`
}

const labelValue = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const helpText = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

/** A sample value: integers as they are, `+Inf`, `-Inf` and `NaN` spelt as Prometheus spells them. */
const sample = (value: number | bigint): string => {
  if (typeof value === "bigint") return value.toString()
  if (Number.isNaN(value)) return "NaN"
  if (value === Number.POSITIVE_INFINITY) return "+Inf"
  if (value === Number.NEGATIVE_INFINITY) return "-Inf"
  return String(value)
}

type Labels = ReadonlyArray<readonly [string, string]>

const labelSet = (labels: Labels): string =>
  labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${labelName(k)}="${labelValue(v)}"`).join(",")}}`

const line = (name: string, labels: Labels, value: number | bigint) =>
  `${name}${labelSet(labels)} ${sample(value)}`

/** The lines one metric (one name, one label set) contributes to its family. */
const linesOf = (
  name: string,
  labels: Labels,
  keyType: MetricKeyType.MetricKeyType.Untyped,
  state: MetricState.MetricState.Untyped
): { readonly kind: Kind; readonly lines: ReadonlyArray<string> } | undefined => {
  if (MetricState.isCounterState(state)) {
    // Only an incremental counter only goes up; Effect's others may go down (`effect_fiber_active`), which
    // Prometheus calls a gauge.
    const incremental = MetricKeyType.isCounterKey(keyType) && keyType.incremental
    return { kind: incremental ? "counter" : "gauge", lines: [line(name, labels, state.count)] }
  }
  if (MetricState.isGaugeState(state)) return { kind: "gauge", lines: [line(name, labels, state.value)] }
  if (MetricState.isHistogramState(state)) {
    // Effect's buckets are cumulative and end with +Inf, as Prometheus wants them.
    const buckets = state.buckets.map(([le, count]) =>
      line(`${name}_bucket`, [...labels, ["le", sample(le)]], count)
    )
    const hasInf = state.buckets.some(([le]) => le === Number.POSITIVE_INFINITY)
    return {
      kind: "histogram",
      lines: [
        ...buckets,
        ...(hasInf ? [] : [line(`${name}_bucket`, [...labels, ["le", "+Inf"]], state.count)]),
        line(`${name}_sum`, labels, state.sum),
        line(`${name}_count`, labels, state.count)
      ]
    }
  }
  if (MetricState.isSummaryState(state)) {
    const quantiles = state.quantiles.flatMap(([q, value]) =>
      Option.isSome(value) ? [line(name, [...labels, ["quantile", String(q)]], value.value)] : []
    )
    return {
      kind: "summary",
      lines: [
        ...quantiles,
        line(`${name}_sum`, labels, state.sum),
        line(`${name}_count`, labels, state.count)
      ]
    }
  }
  if (MetricState.isFrequencyState(state)) {
    // A frequency counts occurrences of words: one counter sample per word.
    return {
      kind: "counter",
      lines: [...state.occurrences].map(([word, count]) => line(name, [...labels, ["value", word]], count))
    }
  }
  return undefined
}

/**
 * Renders metric pairs as Prometheus text: one `# HELP` (the metric's description) and one `# TYPE` per
 * name, then its samples; families in name order, so scrapes diff cleanly.
 */
export const render = (pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>): string => {
  const families = new Map<string, Family>()
  for (const pair of pairs) {
    const key = pair.metricKey
    const name = metricName(key.name)
    const labels: Labels = [...key.tags]
      .map((tag): readonly [string, string] => [tag.key, tag.value])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const rendered = linesOf(name, labels, key.keyType, pair.metricState)
    if (rendered === undefined) continue
    const family = families.get(name)
    const help = Option.getOrElse(key.description, () => "")
    if (family === undefined) {
      families.set(name, { name, kind: rendered.kind, help, lines: [...rendered.lines] })
    } else if (family.kind === rendered.kind) {
      if (family.help === "") family.help = help
      family.lines.push(...rendered.lines)
    }
    // The same name with another kind would make the text invalid; the first kind seen wins.
  }
  const out: Array<string> = []
  for (const family of [...families.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(`# HELP ${family.name} ${helpText(family.help || family.name)}`)
    out.push(`# TYPE ${family.name} ${family.kind}`)
    out.push(...family.lines)
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`
}

/**
 * Samplers every scrape of this process runs, whichever route serves it: the metrics registry is the
 * process's, so a sampler is too. A worker's pools register theirs, and the embedded process's one
 * `/metrics` then shows its pools beside its outbox.
 */
const registered = new Set<{ readonly sample: Effect.Effect<void, unknown> }>()

/** Runs `sample` at every scrape of this process while the scope lasts. */
export const addSampler = (sample: Effect.Effect<void, unknown>): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(
    Effect.acquireRelease(
      Effect.sync(() => {
        const entry = { sample }
        registered.add(entry)
        return entry
      }),
      (entry) => Effect.sync(() => registered.delete(entry))
    )
  )

/**
 * One scrape: runs the samplers given and those registered (gauges read now, such as the outbox's depth; a sampler that fails is
 * logged and skipped, so one slow dependency does not hide every other metric), then renders the
 * registry's snapshot.
 */
export const scrape = (samplers: ReadonlyArray<Effect.Effect<void, unknown>> = []): Effect.Effect<string> =>
  // Suspended: a route builds its scrape once, and the samplers registered since must run too.
  Effect.suspend(() =>
    Effect.forEach(
      [...samplers, ...Array.from(registered, (entry) => entry.sample)],
      (sampler) =>
        Effect.catchAllCause(sampler, (cause) => Effect.logWarning("a metrics sampler failed", cause)),
      { concurrency: "unbounded", discard: true }
    )
  ).pipe(Effect.zipRight(Metric.snapshot), Effect.map(render), Effect.withSpan("Prometheus.scrape"))

/**
 * Histogram boundaries for durations in seconds, from 5 ms to about 20 minutes (x2.5 each): OpenStack
 * calls sit at the low end, tasks that boot servers at the high end.
 */
export const durationBoundaries = [
  0.005, 0.0125, 0.03, 0.08, 0.2, 0.5, 1.25, 3, 8, 20, 50, 120, 300, 750, 1200
] as const
