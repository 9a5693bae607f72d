import { Metric, MetricKey, type MetricKeyType, MetricLabel } from "effect"

/**
 * A metric split by bounded labels, for hot paths. `Metric.tagged` on each update costs several
 * microseconds (a new key, hashed, looked up in the registry); here each label set's metric is made
 * once, from its full key, and Effect caches its hook: an update costs a map lookup and the increment.
 * Only for labels with few values (a task type, a state, a stage's path template): every set is kept.
 */
export const family = <Type extends MetricKeyType.MetricKeyType.Untyped>(
  key: MetricKey.MetricKey<Type>,
  labelNames: ReadonlyArray<string>
) => {
  type Member = Metric.Metric<
    Type,
    MetricKeyType.MetricKeyType.InType<Type>,
    MetricKeyType.MetricKeyType.OutType<Type>
  >
  const made = new Map<string, Member>()
  return (...values: ReadonlyArray<string>): Member => {
    const id = values.join("\u0000")
    let metric = made.get(id)
    if (metric === undefined) {
      metric = Metric.fromMetricKey(
        MetricKey.taggedWithLabels(
          key,
          labelNames.map((name, i) => MetricLabel.make(name, values[i] ?? ""))
        )
      )
      made.set(id, metric)
    }
    return metric
  }
}
