/**
 * Nova's interface attachments in the double (`/servers/<id>/os-interface`): an attach binds an existing
 * port of the caller's at once (Nova answers once it is done); a detach takes a few calls (the port is
 * let go of: unbound and `DOWN`). As Nova: the server must be ACTIVE with no task state (409 otherwise),
 * the port free (409 `still in use` otherwise); the double attaches existing ports only.
 */
import { Effect } from "effect"
import { type Answer, type Ctx, field, ok, type Refusal, refuse, stringField } from "./http.js"
import { badRequest, ownServer } from "./novaServers.js"
import { type Port, type Server, schedule } from "./state.js"

const interfaceView = (port: Port) => ({
  port_id: port.id,
  net_id: port.networkId,
  fixed_ips: port.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
  mac_addr: port.macAddress,
  port_state: port.status
})

const notBusy = (server: Server, action: string) => {
  if (server.taskState !== null)
    return refuse(
      "nova",
      409,
      `Cannot '${action}' instance ${server.id} while it is in task_state ${server.taskState}`
    )
  if (server.status !== "ACTIVE")
    return refuse(
      "nova",
      409,
      `Cannot '${action}' instance ${server.id} while it is in vm_state ${server.status.toLowerCase()}`
    )
  return Effect.void
}

const attach = (ctx: Ctx, server: Server) =>
  Effect.gen(function* () {
    yield* notBusy(server, "attach_interface")
    const portId = stringField(field(ctx.call.json, "interfaceAttachment"), "port_id")
    if (portId === undefined)
      return yield* badRequest("The cloud double attaches existing ports only (port_id).")
    const port = ctx.state.ports.get(portId)
    if (port === undefined || port.projectId !== ctx.caller.projectId)
      return yield* refuse("nova", 404, `Port ${portId} could not be found.`)
    if (port.deviceId !== "") return yield* refuse("nova", 409, `Port ${portId} is still in use.`)
    Object.assign(port, {
      deviceId: server.id,
      deviceOwner: `compute:${server.availabilityZone}`,
      status: "ACTIVE",
      updatedAt: ctx.now
    })
    server.portIds.push(port.id)
    return ok({ interfaceAttachment: interfaceView(port) })
  })

const detach = (ctx: Ctx, server: Server, portId: string) =>
  Effect.gen(function* () {
    yield* notBusy(server, "detach_interface")
    const port = ctx.state.ports.get(portId)
    if (port === undefined || port.deviceId !== server.id)
      return yield* refuse("nova", 404, `Port ${portId} is not attached`)
    schedule(ctx.state, ctx.state.steps.volumeAttach, (at) => {
      if (port.deviceId !== server.id) return
      Object.assign(port, { deviceId: "", deviceOwner: "", status: "DOWN", updatedAt: at })
      server.portIds = server.portIds.filter((id) => id !== port.id)
    })
    return { status: 202 }
  })

/** `/servers/<id>/os-interface[/<port id>]`. */
export const routeInterfaces = (
  ctx: Ctx,
  serverId: string,
  portId: string | undefined
): Effect.Effect<Answer, Refusal> | undefined => {
  const method = ctx.call.method
  const withServer = (f: (server: Server) => Effect.Effect<Answer, Refusal>) =>
    Effect.flatMap(ownServer(ctx, serverId), f)
  if (portId === undefined) {
    if (method === "POST") return withServer((server) => attach(ctx, server))
    if (method !== "GET") return undefined
    return withServer((server) =>
      Effect.succeed(
        ok({
          interfaceAttachments: [...ctx.state.ports.values()]
            .filter((port) => port.deviceId === server.id)
            .map(interfaceView)
        })
      )
    )
  }
  return method === "DELETE" ? withServer((server) => detach(ctx, server, portId)) : undefined
}
