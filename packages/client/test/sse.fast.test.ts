/** The event-stream parser, on what the standard allows and Enamel does not send (yet). */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { parse } from "../src/sse.js"

const bytes = (...parts: ReadonlyArray<string>) =>
  Stream.fromIterable(parts.map((part) => new TextEncoder().encode(part)))

describe("parse (text/event-stream)", () => {
  it.effect("reads events split anywhere, CRLF, comments, several data lines; drops an unfinished one", () =>
    Effect.gen(function* () {
      const events = yield* Stream.runCollect(
        parse(
          bytes(
            ": a comment\r\nid: 7\r\nevent: st",
            'age\r\ndata: {"a":\r\ndata: 1}\r\n\r\n',
            "event: task\ndata:no space\n\n",
            "data: lone\n\nid: 9\nevent: stage\ndata: cut"
          )
        )
      )
      expect(Chunk.toReadonlyArray(events)).toEqual([
        { event: "stage", id: "7", data: '{"a":\n1}' },
        { event: "task", id: undefined, data: "no space" },
        { event: "message", id: undefined, data: "lone" }
      ])
    })
  )
})
