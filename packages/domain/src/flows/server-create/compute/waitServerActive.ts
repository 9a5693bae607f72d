import { Nova } from "@enamel/openstack-clients"
import { Effect, Record, Schema } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { waitRetry } from "../../cloud/schedules.js"
import type { BootedServer } from "./bootServer.js"

export const ActiveServer = Schema.Struct({
  /** Addresses by network name, as Nova shows them. */
  addresses: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })
})

/** Waits until the server is ACTIVE (polling every 0.2 s by default); ERROR fails with Nova's fault message. */
export const waitServerActive = CloudStage.make({
  name: "waitServerActive",
  result: ActiveServer,
  waits: true,
  retry: waitRetry,
  run: Effect.fn("ServerCreate.waitServerActive")(function* (server: BootedServer) {
    const active = yield* Nova.waitForServerActive(server.id)
    return { addresses: Record.map(active.addresses, (addresses) => addresses.map((a) => a.addr)) }
  })
})
