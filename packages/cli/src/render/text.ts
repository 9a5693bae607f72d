/** Small text helpers the renderers share: durations, widths. */

/** `0.4s`, `12.3s`, `2m05s`: how long a stage took or has been running. */
export const duration = (ms: number): string => {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`
  const seconds = Math.floor(ms / 1000)
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`
}

/** Cuts a line to `width` characters (a terminal wraps longer ones, which breaks redrawing). */
export const fit = (line: string, width: number): string =>
  line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`

export const millisOf = (iso: string): number => Date.parse(iso)
