import { Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { waitRetry } from "../cloud/schedules.js"

/**
 * Waits until the server is gone, which frees its ports and its volume. Creates nothing, so a cancel or a
 * worker's shutdown cuts it off at once; a resumed run waits again.
 */
export const waitServerDeleted = CloudStage.make({
  name: "waitServerDeleted",
  result: Schema.String,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerDelete.waitServerDeleted")(function* (id: string) {
    yield* Nova.waitForServerDeleted(id)
    return id
  })
})
