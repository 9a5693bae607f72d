/** Small numeric helpers and process sampling for the benchmarks. */
import { readFileSync } from "node:fs"

export const median = (xs: ReadonlyArray<number>) => quantile(xs, 0.5)

export const quantile = (xs: ReadonlyArray<number>, q: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

/** user+system CPU seconds and RSS (MiB) of a process, from /proc. */
export const sampleProcess = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
  const ticks = Number(stat[11]) + Number(stat[12])
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0)
  return { cpuSeconds: ticks / 100, rssMiB: rssKiB / 1024 }
}

/** Runs `rounds` rounds of every side in turn (A B C, A B C, ...), so load drifts hit all sides alike. */
export const alternate = async <K extends string, A>(
  rounds: number,
  sides: Readonly<Record<K, (round: number) => Promise<A>>>
): Promise<Record<K, Array<A>>> => {
  const keys = Object.keys(sides) as Array<K>
  const results = Object.fromEntries(keys.map((k) => [k, [] as Array<A>])) as Record<K, Array<A>>
  for (let round = 0; round < rounds; round++) {
    for (const key of keys) {
      results[key].push(await sides[key](round))
      console.error(`  ${key} round ${round + 1}/${rounds} done`)
    }
  }
  return results
}

/**
 * `alternate` after `warmUp` more rounds whose results are dropped (so that every side's code and the
 * cloud's caches are warm), with `before` awaited, untimed, ahead of every run.
 */
export const alternateAfterWarmUp = async <K extends string, A>(
  rounds: number,
  warmUp: number,
  before: () => Promise<unknown>,
  sides: Readonly<Record<K, (round: number) => Promise<A>>>
): Promise<Record<K, Array<A>>> => {
  const keys = Object.keys(sides) as Array<K>
  const prepared = Object.fromEntries(
    keys.map((k) => [
      k,
      async (r: number) => {
        await before()
        return sides[k](r)
      }
    ])
  ) as Record<K, (round: number) => Promise<A>>
  const all = await alternate(rounds + warmUp, prepared)
  return Object.fromEntries(keys.map((k) => [k, all[k].slice(warmUp)])) as Record<K, Array<A>>
}
