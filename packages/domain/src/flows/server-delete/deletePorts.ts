import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removePort } from "../cloud/remove.js"

/** Deletes the ports Enamel made for the server (never a port the user brought). Cannot be undone. */
export const deletePorts = CloudStage.make({
  name: "deletePorts",
  result: Schema.Array(Schema.String),
  run: Effect.fn("ServerDelete.deletePorts")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, removePort, { concurrency: "unbounded", discard: true })
    return ids
  })
})
