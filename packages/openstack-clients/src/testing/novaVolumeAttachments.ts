/**
 * Nova's volume attachments in the double (`/servers/<id>/os-volume_attachments`): an attach takes a few
 * calls (`attaching` → `in-use` on the server, at the next free device `/dev/vdb`, `/dev/vdc`, …), and so
 * does a detach (`detaching` → `available`). As Nova: the server must be ACTIVE with no task state (409
 * otherwise), the volume the caller's own and `available` (400 otherwise), and the root volume cannot be
 * detached (400).
 */
import { Effect } from "effect"
import { type Answer, type Ctx, field, noContent, ok, type Refusal, refuse, stringField } from "./http.js"
import { badRequest, ownServer } from "./novaServers.js"
import { type CloudState, type Server, schedule, uuid, type Volume } from "./state.js"

/** The volumes attached to the server, and those being attached to it, with their devices. */
const devicesOf = (state: CloudState, serverId: string): ReadonlyArray<string> =>
  [...state.volumes.values()].flatMap((volume) => [
    ...volume.attachments.filter((a) => a.serverId === serverId).map((a) => a.device),
    ...(volume.attaching?.serverId === serverId ? [volume.attaching.device] : [])
  ])

/** The first `/dev/vdX` the server does not use (`/dev/vda` is the root's). */
const nextDevice = (state: CloudState, server: Server): string => {
  const used = new Set(devicesOf(state, server.id))
  for (const letter of "bcdefghijklmnopqrstuvwxyz") {
    if (!used.has(`/dev/vd${letter}`)) return `/dev/vd${letter}`
  }
  return "/dev/vdz"
}

const attachmentView = (
  state: CloudState,
  volume: Volume,
  serverId: string,
  device: string,
  microversion: number
) => ({
  ...(microversion < 89 ? { id: volume.id } : {}),
  device,
  serverId,
  volumeId: volume.id,
  tag: null,
  ...(microversion < 79
    ? {}
    : {
        delete_on_termination:
          state.servers.get(serverId)?.volumes.find((boot) => boot.id === volume.id)?.deleteOnTermination ??
          false
      }),
  ...(microversion < 89
    ? {}
    : {
        attachment_id: volume.attachments.find((a) => a.serverId === serverId)?.id ?? null,
        bdm_uuid: uuid()
      })
})

/** Nova's 409 for a server that is not ready for the action. */
const busy = (server: Server, action: string) => {
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

const attach = (ctx: Ctx, server: Server, microversion: number) =>
  Effect.gen(function* () {
    const { state } = ctx
    yield* busy(server, "attach_volume")
    const volumeId = stringField(field(ctx.call.json, "volumeAttachment"), "volumeId") ?? ""
    const volume = state.volumes.get(volumeId)
    if (volume === undefined || volume.projectId !== ctx.caller.projectId)
      return yield* refuse("nova", 404, `Volume ${volumeId} could not be found.`)
    if (volume.status !== "available")
      return yield* badRequest(`Invalid volume: volume ${volumeId} status must be 'available'`)
    const device = nextDevice(state, server)
    Object.assign(volume, {
      status: "attaching",
      attaching: { serverId: server.id, device },
      updatedAt: ctx.now
    })
    const failure = ctx.errorState
    schedule(state, state.steps.volumeAttach, (at) => {
      if (volume.attaching?.serverId !== server.id) return
      volume.attaching = undefined
      volume.updatedAt = at
      // A failed attach is rolled back by Nova: the volume is `available` again.
      if (failure !== undefined || !state.servers.has(server.id)) {
        volume.status = "available"
        return
      }
      volume.status = "in-use"
      volume.attachments.push({ id: uuid(), serverId: server.id, device, at })
    })
    return ok({ volumeAttachment: attachmentView(state, volume, server.id, device, microversion) })
  })

const detach = (ctx: Ctx, server: Server, volumeId: string) =>
  Effect.gen(function* () {
    const { state } = ctx
    yield* busy(server, "detach_volume")
    const volume = state.volumes.get(volumeId)
    const attachment = volume?.attachments.find((a) => a.serverId === server.id)
    if (volume === undefined || attachment === undefined)
      return yield* refuse("nova", 404, `volume_id not found: ${volumeId}`)
    if (server.volumes[0]?.id === volumeId) return yield* badRequest("Cannot detach a root device volume")
    if (volume.status === "detaching") return noContent
    Object.assign(volume, { status: "detaching", updatedAt: ctx.now })
    schedule(state, state.steps.volumeAttach, (at) => {
      volume.attachments = volume.attachments.filter((a) => a.id !== attachment.id)
      volume.status = volume.attachments.length > 0 ? "in-use" : "available"
      volume.updatedAt = at
    })
    return { status: 202 }
  })

/**
 * `PUT …/<volume id>` at 2.85+: whether Nova deletes the volume with the server (the owner may change
 * that; another `volumeId`, a swap, is an admin's and not served).
 */
const update = (ctx: Ctx, server: Server, volumeId: string, microversion: number) =>
  Effect.gen(function* () {
    const body = field(ctx.call.json, "volumeAttachment")
    if (microversion < 85)
      return yield* badRequest(
        "Additional properties are not allowed ('delete_on_termination' was unexpected)"
      )
    if (stringField(body, "volumeId") !== volumeId)
      return yield* refuse("nova", 403, "Policy doesn't allow os_compute_api:os-volumes-attachments:swap.")
    const volume = ctx.state.volumes.get(volumeId)
    if (volume === undefined || !volume.attachments.some((a) => a.serverId === server.id))
      return yield* refuse("nova", 404, `volume_id not found: ${volumeId}`)
    const wanted = field(body, "delete_on_termination")
    if (typeof wanted === "boolean" && server.volumes.some((boot) => boot.id === volumeId)) {
      server.volumes = server.volumes.map((boot) =>
        boot.id === volumeId ? { ...boot, deleteOnTermination: wanted } : boot
      )
    }
    return { status: 202 }
  })

/** `/servers/<id>/os-volume_attachments[/<volume id>]`. */
export const routeVolumeAttachments = (
  ctx: Ctx,
  microversion: number,
  serverId: string,
  volumeId: string | undefined
): Effect.Effect<Answer, Refusal> | undefined => {
  const method = ctx.call.method
  const withServer = (f: (server: Server) => Effect.Effect<Answer, Refusal>) =>
    Effect.flatMap(ownServer(ctx, serverId), f)
  if (volumeId === undefined) {
    if (method === "POST") return withServer((server) => attach(ctx, server, microversion))
    if (method !== "GET") return undefined
    return withServer((server) =>
      Effect.succeed(
        ok({
          // As Nova's block device mappings: an attach is listed from its request on.
          volumeAttachments: [...ctx.state.volumes.values()].flatMap((volume) => [
            ...volume.attachments
              .filter((a) => a.serverId === server.id)
              .map((a) => attachmentView(ctx.state, volume, server.id, a.device, microversion)),
            ...(volume.attaching?.serverId === server.id
              ? [attachmentView(ctx.state, volume, server.id, volume.attaching.device, microversion)]
              : [])
          ])
        })
      )
    )
  }
  if (method === "PUT") return withServer((server) => update(ctx, server, volumeId, microversion))
  return method === "DELETE" ? withServer((server) => detach(ctx, server, volumeId)) : undefined
}
