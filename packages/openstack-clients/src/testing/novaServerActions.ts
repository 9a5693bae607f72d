/**
 * Nova's server actions in the double (`POST /servers/<id>/action`): `resize` (RESIZE, then after a few
 * calls VERIFY_RESIZE on the new flavor, or back in its state with a fault when an `ErrorState` fault
 * says so), `confirmResize` (stays VERIFY_RESIZE for a few calls, then back in its old state on the new
 * flavor), `revertResize` (REVERT_RESIZE, then back on the old flavor), `os-stop` and `os-start`.
 */
import { Effect } from "effect"
import {
  type Answer,
  type Ctx,
  field,
  noContent,
  overQuotaAnswer,
  Refusal,
  refuse,
  stringField
} from "./http.js"
import { ownServer } from "./novaServers.js"
import { type Server, schedule } from "./state.js"

/** Nova's 409 for a server with a task state, or not in one of the states the action allows. */
const busy = (server: Server, action: string, states: ReadonlyArray<Server["status"]>) => {
  if (server.taskState !== null)
    return refuse(
      "nova",
      409,
      `Cannot '${action}' instance ${server.id} while it is in task_state ${server.taskState}`
    )
  if (!states.includes(server.status))
    return refuse(
      "nova",
      409,
      `Cannot '${action}' instance ${server.id} while it is in vm_state ${server.status.toLowerCase()}`
    )
  return Effect.void
}

const accepted: Answer = { status: 202 }

const notResized = () => refuse("nova", 400, "Instance has not been resized.")

const resize = (ctx: Ctx, server: Server) =>
  Effect.gen(function* () {
    const { state, now } = ctx
    yield* busy(server, "resize", ["ACTIVE", "SHUTOFF"])
    const flavor = state.flavors.get(stringField(field(ctx.call.json, "resize"), "flavorRef") ?? "")
    if (flavor === undefined) return yield* refuse("nova", 400, "Unable to find flavor.")
    if (flavor.id === server.flavor.id)
      return yield* refuse("nova", 400, "When resizing, instances must change flavor!")
    const quota = state.projects.get(server.projectId)?.quota
    const own = [...state.servers.values()].filter((s) => s.projectId === server.projectId)
    const used = (f: (s: Server) => number) => own.reduce((sum, s) => sum + f(s), 0)
    if (
      quota !== undefined &&
      (used((s) => s.flavor.vcpus) - server.flavor.vcpus + flavor.vcpus > quota.cores ||
        used((s) => s.flavor.ram) - server.flavor.ram + flavor.ram > quota.ram)
    ) {
      return yield* new Refusal({ answer: overQuotaAnswer("nova", "cores") })
    }
    const from = { from: server.flavor, state: server.status === "SHUTOFF" ? "SHUTOFF" : "ACTIVE" } as const
    Object.assign(server, { status: "RESIZE", taskState: "resize_prep", updatedAt: now })
    const failure = ctx.errorState
    schedule(state, state.steps.serverResize, (at) => {
      if (state.servers.get(server.id) !== server || server.taskState !== "resize_prep") return
      if (failure !== undefined) {
        Object.assign(server, {
          status: from.state,
          taskState: null,
          fault: { message: failure, at },
          updatedAt: at
        })
        return
      }
      Object.assign(server, {
        status: "VERIFY_RESIZE",
        taskState: null,
        flavor,
        resize: { ...from, confirming: false },
        updatedAt: at
      })
    })
    return accepted
  })

const confirmResize = (ctx: Ctx, server: Server) =>
  Effect.gen(function* () {
    const { resize } = server
    if (server.status !== "VERIFY_RESIZE" || resize === undefined || resize.confirming)
      return yield* notResized()
    resize.confirming = true
    schedule(ctx.state, ctx.state.steps.serverResize, (at) => {
      if (server.resize !== resize) return
      Object.assign(server, { status: resize.state, resize: undefined, updatedAt: at })
    })
    return noContent
  })

const revertResize = (ctx: Ctx, server: Server) =>
  Effect.gen(function* () {
    const { resize } = server
    if (server.status !== "VERIFY_RESIZE" || resize === undefined || resize.confirming)
      return yield* notResized()
    Object.assign(server, { status: "REVERT_RESIZE", taskState: "resize_reverting", updatedAt: ctx.now })
    schedule(ctx.state, ctx.state.steps.serverResize, (at) => {
      if (server.resize !== resize) return
      Object.assign(server, {
        status: resize.state,
        taskState: null,
        flavor: resize.from,
        resize: undefined,
        updatedAt: at
      })
    })
    return accepted
  })

/** `os-stop` and `os-start`: SHUTOFF or ACTIVE after one more call. */
const power = (ctx: Ctx, server: Server, to: "ACTIVE" | "SHUTOFF") =>
  Effect.gen(function* () {
    const action = to === "SHUTOFF" ? "stop" : "start"
    yield* busy(server, action, [to === "SHUTOFF" ? "ACTIVE" : "SHUTOFF"])
    Object.assign(server, {
      taskState: to === "SHUTOFF" ? "powering-off" : "powering-on",
      updatedAt: ctx.now
    })
    schedule(ctx.state, 1, (at) => {
      if (server.taskState === null) return
      Object.assign(server, { status: to, taskState: null, updatedAt: at })
    })
    return accepted
  })

/** `POST /servers/<id>/action`, for the actions above; anything else is not served. */
export const serverAction = (ctx: Ctx, id: string) =>
  Effect.flatMap(ownServer(ctx, id), (server) => {
    const body = ctx.call.json
    const has = (key: string) => typeof body === "object" && body !== null && key in body
    if (has("resize")) return resize(ctx, server)
    if (has("confirmResize")) return confirmResize(ctx, server)
    if (has("revertResize")) return revertResize(ctx, server)
    if (has("os-stop")) return power(ctx, server, "SHUTOFF")
    if (has("os-start")) return power(ctx, server, "ACTIVE")
    return refuse("nova", 400, "There is no such action")
  })
