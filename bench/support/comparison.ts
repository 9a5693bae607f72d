/**
 * One operation timed three ways in one part, alternating: through Enamel, as its plumbing floor (the
 * same calls made directly), and with openstacksdk; with where Enamel's time went.
 */
import { median, quantile, round } from "./stats.js"

export type Side = "enamel" | "floor" | "openstacksdk"

/** Where one Enamel run's time went, in order (`timeSplit`), ms. */
export type Split = ReadonlyArray<readonly [string, number]>

export interface Comparison {
  readonly seconds: Readonly<Record<Side, ReadonlyArray<number>>>
  readonly medians: Readonly<Record<Side, number>>
  readonly p90s: Readonly<Record<Side, number>>
  /** Where Enamel's time went: the median of each part over its runs, ms (`timeSplit`). */
  readonly enamelSplitMs: Split
}

/** The median of each part of Enamel's runs' time, in the order of the first run. */
const medianSplit = (runs: ReadonlyArray<Split>) =>
  (runs[0] ?? []).map(
    ([part]) =>
      [part, Math.round(median(runs.map((r) => r.find(([p]) => p === part)?.[1] ?? Number.NaN)))] as const
  )

const bySide = (f: (side: Side) => number): Record<Side, number> => ({
  enamel: f("enamel"),
  floor: f("floor"),
  openstacksdk: f("openstacksdk")
})

/** One measure of every side's runs, where each run measures several things (a make and its removal). */
export const measureOf = <A>(
  results: Readonly<Record<Side, ReadonlyArray<A>>>,
  measure: (run: A) => number
): Record<Side, Array<number>> => ({
  enamel: results.enamel.map(measure),
  floor: results.floor.map(measure),
  openstacksdk: results.openstacksdk.map(measure)
})

export const compare = (
  s: Record<Side, ReadonlyArray<number>>,
  splits: ReadonlyArray<Split>
): Comparison => ({
  seconds: s,
  enamelSplitMs: medianSplit(splits),
  medians: bySide((side) => round(median(s[side]))),
  p90s: bySide((side) => round(quantile(s[side], 0.9)))
})
