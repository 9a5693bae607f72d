/**
 * Server-Sent Events, as the WHATWG HTML standard defines the `text/event-stream` format: lines of
 * `field: value`, an event dispatched at each blank line, `:` for comments. Enamel sends `event`, `id`
 * and one `data` line; the parser takes what the standard allows.
 */
import { Chunk, Option, Stream } from "effect"

export interface ServerSentEvent {
  /** `message` when the event names no type. */
  readonly event: string
  /** The event's own `id`, if it has one. */
  readonly id: string | undefined
  readonly data: string
}

interface Pending {
  readonly event: string | undefined
  readonly id: string | undefined
  readonly data: ReadonlyArray<string>
}

const empty: Pending = { event: undefined, id: undefined, data: [] }

/** One line into the event being read; a blank line completes it (when it carries data). */
const step = (pending: Pending, line: string): readonly [Pending, Option.Option<ServerSentEvent>] => {
  if (line === "") {
    const event =
      pending.data.length === 0
        ? Option.none()
        : Option.some({ event: pending.event ?? "message", id: pending.id, data: pending.data.join("\n") })
    return [empty, event]
  }
  if (line.startsWith(":")) return [pending, Option.none()]
  const colon = line.indexOf(":")
  const field = colon === -1 ? line : line.slice(0, colon)
  const raw = colon === -1 ? "" : line.slice(colon + 1)
  const value = raw.startsWith(" ") ? raw.slice(1) : raw
  switch (field) {
    case "event":
      return [{ ...pending, event: value }, Option.none()]
    case "data":
      return [{ ...pending, data: [...pending.data, value] }, Option.none()]
    case "id":
      return [value.includes("\0") ? pending : { ...pending, id: value }, Option.none()]
    default:
      return [pending, Option.none()]
  }
}

/** The events of a byte stream; an event not completed by a blank line when the stream ends is dropped. */
export const parse = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<ServerSentEvent, E, R> =>
  bytes.pipe(
    Stream.decodeText(),
    Stream.splitLines,
    Stream.mapAccum(empty, step),
    Stream.mapConcatChunk((event) => Chunk.fromIterable(Option.toArray(event)))
  )
