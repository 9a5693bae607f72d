import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { removeFloatingIp } from "../cloud/remove.js"

/** Releases the server's floating IPs (those Enamel made for it). Cannot be undone. */
export const deleteFloatingIps = CloudStage.make({
  name: "deleteFloatingIps",
  result: Schema.Array(Schema.String),
  run: Effect.fn("ServerDelete.deleteFloatingIps")(function* (ids: ReadonlyArray<string>) {
    yield* Effect.forEach(ids, removeFloatingIp, { concurrency: "unbounded", discard: true })
    return ids
  })
})
