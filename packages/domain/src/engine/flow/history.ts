import { Option } from "effect"
import { type EntryPhase, FLOW_PATH, type TimelineEntry } from "../task/TimelineEntry.js"

/** What a task's timeline says about each stage, read once when a run starts or resumes. */
export interface History {
  /** The latest attempt of each stage run, by path. */
  readonly runs: ReadonlyMap<string, TimelineEntry>
  /** The latest attempt of each compensation, by path. */
  readonly compensations: ReadonlyMap<string, TimelineEntry>
  readonly flow: Option.Option<TimelineEntry>
  /** The highest seq recorded for the task (0 for none): everything this run writes comes after it. */
  readonly lastSeq: number
}

const latestBy = (entries: ReadonlyArray<TimelineEntry>, phase: EntryPhase) => {
  const latest = new Map<string, TimelineEntry>()
  for (const entry of entries) {
    if (entry.phase !== phase) continue
    const seen = latest.get(entry.path)
    if (seen === undefined || entry.attempt > seen.attempt) latest.set(entry.path, entry)
  }
  return latest
}

export const fromTimeline = (entries: ReadonlyArray<TimelineEntry>): History => ({
  runs: latestBy(entries, "run"),
  compensations: latestBy(entries, "compensate"),
  flow: Option.fromNullable(latestBy(entries, "flow").get(FLOW_PATH)),
  lastSeq: entries.reduce((last, e) => Math.max(last, e.seq), 0)
})

/** Started, but no outcome was recorded: the stage may have done its work. Re-running it adopts that. */
export const isInDoubt = (entry: TimelineEntry): boolean =>
  entry.state === "RUNNING" || entry.state === "RETRYING" || entry.state === "INTERRUPTED"

/**
 * The first definitive stage failure of the current run, if it stopped on one before it could record
 * unwinding (or holding). A failure from before a retry (recorded before the run's flow entry) is not
 * the current run's: the retry runs that stage again.
 */
export const definitiveFailure = (history: History): Option.Option<TimelineEntry> => {
  const since = Option.match(history.flow, { onNone: () => 0, onSome: (flow) => flow.seq })
  return Option.fromNullable(
    [...history.runs.values()]
      .filter((e) => e.state === "FAILED" && e.seq > since)
      .sort((a, b) => a.seq - b.seq)[0]
  )
}
