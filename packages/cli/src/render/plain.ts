import type { TimelineEntryView } from "@enamel/domain/contract"
import { duration } from "./text.js"

/**
 * The stream as plain lines, one per event, for output that is not a terminal (a log, a pipe, CI): the
 * time since watching began, the stage's whole path (`undo` before an undo), its state, and its
 * duration or error once it has one. Nothing is redrawn.
 */
export const plainLine = (entry: TimelineEntryView, elapsedMs: number): string => {
  const stage =
    entry.phase === "flow" ? "(flow)" : `${entry.phase === "compensate" ? "undo " : ""}${entry.stage}`
  const took = entry.duration_ms === null ? "" : `${Math.round(entry.duration_ms)} ms`
  const attempt = entry.attempt > 1 ? ` (attempt ${entry.attempt})` : ""
  const error = entry.error === null ? "" : `  ${entry.error.code}: ${entry.error.message}`
  return `${duration(elapsedMs).padStart(7)}  ${stage.padEnd(40)} ${entry.state.padEnd(11)} ${took}${attempt}${error}`.trimEnd()
}

/** The flow's own entry is news only when it turns: unwinding, cancelled, failed. */
export const showsInPlain = (entry: TimelineEntryView): boolean =>
  entry.phase !== "flow" || (entry.state !== "RUNNING" && entry.state !== "SUCCEEDED")
