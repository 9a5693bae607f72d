import { Nova, type Server } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { checkQuotas } from "../cloud/quotas.js"
import { cloudUnavailable, usableServer } from "../cloud/servers.js"
import { FlavorAmbiguous, FlavorNotFound, FlavorUnchanged } from "./errors.js"
import { resizeNeeds } from "./quotaNeeds.js"
import { FlavorRef, PreviousFlavorRef, type ResizeServerRequest } from "./request.js"

/** What `checkRequest` found: the server, the state to bring it back to, the new and the old flavor. */
export const ResizePlan = Schema.Struct({
  server_id: Schema.String,
  /** The state the server is in before, and ends in after (a confirm or a revert). */
  state: Schema.Literal("ACTIVE", "SHUTOFF"),
  flavor: FlavorRef,
  previous_flavor: PreviousFlavorRef
})
export type ResizePlan = typeof ResizePlan.Type

/** The server's flavor by name (Nova shows only the name since microversion 2.47), else by id. */
export const flavorNameOf = (server: Server): string => server.flavor?.originalName ?? server.flavor?.id ?? ""

/** The old flavor's id, if the project can still see it (a flavor may be deleted or made private). */
const previousFlavor = (server: Server) =>
  Effect.gen(function* () {
    const name = flavorNameOf(server)
    if (server.flavor?.id !== undefined) return { id: server.flavor.id, name }
    const found = yield* Nova.findFlavor(name).pipe(Effect.option)
    return found._tag === "Some" ? { id: found.value.id, name: found.value.name } : { id: null, name }
  })

/**
 * The resize asked for: the server is the caller's and ACTIVE or SHUTOFF, the flavor exists and is not
 * the server's. Used by `checkRequest` and by the admission before the 202.
 */
export const resizePlan = Effect.fn("ServerResize.resizePlan")(function* (request: ResizeServerRequest) {
  // The server and the flavor read at once; the server's failure first, whichever answer came first.
  const [serverRead, flavorRead] = yield* Effect.all(
    [
      usableServer(request.server_id),
      Nova.findFlavor(request.flavor).pipe(
        Effect.catchTags({
          OpenStackNotFound: () => Effect.fail(new FlavorNotFound({ flavor: request.flavor })),
          OpenStackConflict: () => Effect.fail(new FlavorAmbiguous({ flavor: request.flavor }))
        })
      )
    ],
    { concurrency: "unbounded", mode: "either" }
  )
  const server = yield* serverRead
  const flavor = yield* flavorRead
  const current = flavorNameOf(server)
  if (flavor.name === current || flavor.id === server.flavor?.id) {
    return yield* new FlavorUnchanged({ serverId: server.id, flavor: flavor.name })
  }
  const plan: ResizePlan = {
    server_id: server.id,
    state: server.status === "SHUTOFF" ? "SHUTOFF" : "ACTIVE",
    flavor: { id: flavor.id, name: flavor.name },
    previous_flavor: yield* previousFlavor(server)
  }
  return plan
})

/**
 * Admission, with the caller's token: the server is the caller's (404) and ACTIVE or SHUTOFF (409), the
 * flavor exists (404 naming it), is not the server's (409 naming it) and is one flavor (409 when its name
 * matches several).
 */
export const admitResize = (request: ResizeServerRequest) =>
  resizePlan(request).pipe(
    Effect.asVoid,
    Effect.catchAll((error): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
      switch (error._tag) {
        case "ServerNotFound":
        case "FlavorNotFound":
          return Effect.fail(new NotFound({ code: error.code, detail: error.message }))
        case "ServerNotReady":
        case "FlavorUnchanged":
        case "FlavorAmbiguous":
          return Effect.fail(new Conflict({ code: error.code, detail: error.message }))
        default:
          return Effect.fail(cloudUnavailable(`whether server ${request.server_id} can be resized`, error))
      }
    })
  )

/**
 * The resize asked for (`resizePlan`), then Nova's cores and RAM quotas for the increase from the old
 * flavor to the new one (`quota.exceeded`). Changes nothing.
 */
export const resizeChecked = Effect.fn("ServerResize.resizeChecked")(function* (
  request: ResizeServerRequest
) {
  const plan = yield* resizePlan(request)
  const check = yield* checkQuotas(yield* resizeNeeds(plan))
  return { plan, check }
})

/**
 * Checks, before anything changes: the server is the caller's and ACTIVE or SHUTOFF, the flavor exists
 * and is not the server's own, and Nova's quotas allow the increase (see `resizeChecked`). Changes nothing.
 */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: ResizePlan,
  run: Effect.fn("ServerResize.checkRequest")(function* (request: ResizeServerRequest) {
    const { plan } = yield* resizeChecked(request)
    return plan
  })
})
