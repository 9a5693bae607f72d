import { Console, Effect } from "effect"

export interface FinalTask {
  readonly id: string
  readonly state: string
  readonly error: { readonly code: string; readonly message: string } | null
  readonly result: {
    readonly servers?: ReadonlyArray<{
      readonly name: string
      readonly id: string
      readonly floating_ips: ReadonlyArray<{ readonly address: string }>
    }>
  } | null
}

interface StageEvent {
  readonly stage: string
  readonly phase: string
  readonly state: string
  readonly attempt: number
  readonly duration_ms: number | null
  readonly request_ids: ReadonlyArray<string>
}

const started = Date.now()
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`

/** Prints each stage event as it arrives; returns the final task (the stream's last event). */
export const watchEvents = (response: Response) =>
  Effect.promise(async () => {
    const reader = response.body?.getReader()
    const decoder = new TextDecoder()
    let buffer = ""
    let final: FinalTask | undefined
    while (reader !== undefined) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let end = buffer.indexOf("\n\n")
      while (end >= 0) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf("\n\n")
        const event = /^event: (\w+)$/m.exec(frame)?.[1]
        const data = /^data: (.*)$/m.exec(frame)?.[1]
        if (data === undefined) continue
        if (event === "task") final = JSON.parse(data) as FinalTask
        else {
          const e = JSON.parse(data) as StageEvent
          if (e.phase === "flow") continue
          const took = e.duration_ms === null ? "" : `${Math.round(e.duration_ms)} ms`
          console.log(
            `${clock()}  ${e.phase === "compensate" ? "undo " : ""}${e.stage.padEnd(34)} ${e.state.padEnd(10)} ${took}`
          )
        }
      }
    }
    if (final === undefined) throw new Error("the event stream ended without the task")
    return final
  })

/** The task's timeline as a table: one row per stage attempt. */
export const printTimeline = (body: {
  readonly task: FinalTask & {
    readonly timeline: ReadonlyArray<StageEvent & { readonly started_at: string }>
  }
}) =>
  Effect.gen(function* () {
    const { task } = body
    yield* Console.log(
      `\ntask ${task.id}: ${task.state}${task.error === null ? "" : ` (${task.error.code}: ${task.error.message})`}`
    )
    yield* Console.table(
      task.timeline
        .filter((e) => e.phase !== "flow")
        .map((e) => ({
          stage: `${e.phase === "compensate" ? "undo " : ""}${e.stage}`,
          attempt: e.attempt,
          state: e.state,
          ms: e.duration_ms === null ? null : Math.round(e.duration_ms),
          requests: e.request_ids.length
        }))
    )
  })
