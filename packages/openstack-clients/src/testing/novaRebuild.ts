/**
 * Nova's rebuild in the double (`POST /servers/{id}/action` `rebuild`), as Zed serves it: a server booted
 * from a volume is rebuilt only at microversion 2.93 (Cinder reimages its root volume from the image);
 * the server keeps its id, ports and volumes, and has task state `rebuilding` for a few calls (the
 * double's status stays ACTIVE, where Nova shows REBUILD). Any other server action is not served.
 */
import { Effect } from "effect"
import { type Ctx, field, type Refusal, refuse, stringField, stringRecord } from "./http.js"
import { microversionOf, ownServer } from "./novaServers.js"
import { schedule } from "./state.js"

/** Calls from the rebuild's 202 until the server has no task state again. */
const rebuildSteps = 2

export const routeServerAction = (ctx: Ctx, id: string) => {
  const rebuild = field(ctx.call.json, "rebuild")
  if (rebuild === undefined) return undefined
  return Effect.gen(function* () {
    const microversion = yield* microversionOf(ctx)
    const server = yield* ownServer(ctx, id)
    const imageId = stringField(rebuild, "imageRef")
    if (imageId === undefined || !ctx.state.images.has(imageId)) {
      return yield* refuse("nova", 400, `Image ${imageId} could not be found.`)
    }
    if (server.status !== "ACTIVE" || server.taskState !== null) {
      return yield* refuse(
        "nova",
        409,
        `Cannot 'rebuild' instance ${id} while it is in task_state ${server.taskState ?? "None"}`
      )
    }
    const root = server.imageId === undefined ? ctx.state.volumes.get(server.volumes[0]?.id ?? "") : undefined
    if (server.imageId === undefined && microversion < 93) {
      return yield* refuse(
        "nova",
        400,
        "Unable to rebuild with a different image for a volume-backed server."
      )
    }
    // Nova replaces the whole metadata with the rebuild's, when it is given.
    const metadata = field(rebuild, "metadata")
    if (metadata !== undefined) Object.assign(server, { metadata: stringRecord(metadata) })
    Object.assign(server, { taskState: "rebuilding", updatedAt: ctx.now })
    schedule(ctx.state, rebuildSteps, (at) => {
      if (root !== undefined) Object.assign(root, { imageId, updatedAt: at })
      Object.assign(server, { taskState: null, updatedAt: at })
    })
    return { status: 202, body: { server: { id: server.id } } }
  }) satisfies Effect.Effect<unknown, Refusal>
}
