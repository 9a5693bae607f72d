/**
 * An existing server that a flow attaches to or detaches from: it must be the caller's (Nova is asked with
 * the caller's own session) and ACTIVE or SHUTOFF. Read by the flows' first stage, and by the commands'
 * admission before the 202 (the same check as API refusals).
 */
import { Nova, type OpenStackError } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { Conflict, NotFound, ServiceUnavailable } from "../../contract/errors.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { ServerNotFound, ServerNotReady } from "./serverErrors.js"

/**
 * Whether a volume attached at this device is the server's boot volume: Nova names a server's root device
 * `<bus>da` (`/dev/vda`, `/dev/sda` on the dev cloud's FakeDriver, `/dev/xvda`) and attaches other
 * volumes after it; a server booted from a volume (no image) has that volume there.
 */
export const isBootDevice = (
  server: { readonly image: "" | { readonly id: string } },
  device: string | null
) => server.image === "" && device !== null && /^\/dev\/[a-z]*da$/.test(device)

/** The statuses in which a server's volumes, ports and floating IPs may change. */
export const usableStatuses: ReadonlySet<string> = new Set(["ACTIVE", "SHUTOFF"])

/** The server, if it is the caller's and ACTIVE or SHUTOFF (a task state is waited out where it matters). */
export const usableServer = Effect.fn("Enamel.usableServer")(function* (serverId: string) {
  const server = yield* Nova.getServer(serverId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
  )
  if (!usableStatuses.has(server.status)) {
    return yield* new ServerNotReady({ serverId, status: server.status, taskState: server.taskState })
  }
  return server
})

/** Nova could not say: a 503 the caller may retry. */
export const cloudUnavailable = (what: string, error: OpenStackError) =>
  new ServiceUnavailable({
    code: ErrorCode.serviceUnavailable,
    detail: `the cloud cannot say now ${what} (${error.message}); try again shortly`
  })

/** Admission: the server is the caller's (404) and ACTIVE or SHUTOFF (409), asked with the caller's token. */
export const admitUsableServer = (serverId: string) =>
  usableServer(serverId).pipe(
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "ServerNotReady":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether server ${serverId} exists`, error))
      }
    })
  )
