/**
 * Cinder v3 in the double: the versions document, volumes (created and deleted over a few calls; `error`
 * with a user message when a fault says so), snapshots (`cinderSnapshots.ts`), volume types and user
 * messages and the project's limits. Microversions 3.0–3.70.
 */
import { Effect } from "effect"
import { limits, metadataFilter, ownSnapshot, routeSnapshots } from "./cinderSnapshots.js"
import {
  type Answer,
  type Ctx,
  field,
  hosts,
  isoMicros,
  links,
  ok,
  overQuotaAnswer,
  paginate,
  Refusal,
  refuse,
  stringField,
  stringRecord
} from "./http.js"
import { newestFirst } from "./order.js"
import { type CloudState, schedule, uuid, type Volume, type VolumeType } from "./state.js"

const maxMicroversion = 70

export const versionsDocument = {
  versions: [
    {
      id: "v3.0",
      status: "CURRENT",
      version: `3.${maxMicroversion}`,
      min_version: "3.0",
      updated: "2022-08-31T00:00:00Z",
      links: [
        { rel: "describedby", type: "text/html", href: "https://docs.openstack.org/" },
        { rel: "self", href: `http://${hosts.cinder}/v3/` }
      ],
      "media-types": [{ base: "application/json", type: "application/vnd.openstack.volume+json;version=3" }]
    }
  ]
}

/** Statuses in which Cinder lets a volume be deleted (when nothing is attached). */
const deletable = new Set(["available", "error", "error_restoring", "error_extending", "error_managing"])

const volumeLinks = (projectId: string, id: string) => [
  { rel: "self", href: `http://${hosts.cinder}/v3/${projectId}/volumes/${id}` },
  { rel: "bookmark", href: `http://${hosts.cinder}/${projectId}/volumes/${id}` }
]

export const volumeView = (state: CloudState, volume: Volume) => {
  const image = volume.imageId === undefined ? undefined : state.images.get(volume.imageId)
  return {
    id: volume.id,
    status: volume.status,
    size: volume.size,
    availability_zone: volume.availabilityZone,
    created_at: isoMicros(volume.createdAt),
    updated_at: volume.updatedAt === null ? null : isoMicros(volume.updatedAt),
    name: volume.name,
    description: volume.description,
    volume_type: volume.volumeType.name,
    snapshot_id: volume.snapshotId ?? null,
    source_volid: null,
    metadata: volume.metadata,
    links: volumeLinks(volume.projectId, volume.id),
    user_id: volume.userId,
    bootable: String(image !== undefined && volume.status !== "creating"),
    encrypted: false,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: false,
    attachments: volume.attachments.map((a) => ({
      id: volume.id,
      attachment_id: a.id,
      volume_id: volume.id,
      server_id: a.serverId,
      host_name: null,
      device: a.device,
      attached_at: isoMicros(a.at)
    })),
    group_id: null,
    shared_targets: true,
    service_uuid: null,
    volume_type_id: volume.volumeType.id,
    consumes_quota: true,
    ...(image === undefined || volume.status === "creating"
      ? {}
      : {
          volume_image_metadata: {
            signature_verified: "False",
            image_id: image.id,
            image_name: image.name,
            container_format: "bare",
            disk_format: "raw",
            min_disk: "0",
            min_ram: "0",
            size: "1048576"
          }
        })
  }
}

const typeView = (type: VolumeType) => ({
  id: type.id,
  name: type.name,
  is_public: true,
  description: type.description,
  extra_specs: {},
  "os-volume-type-access:is_public": true
})

const microversionOf = (ctx: Ctx): Effect.Effect<number, Refusal> => {
  const header = ctx.call.headers["openstack-api-version"]
  if (header === undefined) return Effect.succeed(0)
  const match = /^volume (\d+)\.(\d+)$/.exec(header.trim())
  const minor = match === null || match[1] !== "3" ? Number.NaN : Number(match[2])
  return minor >= 0 && minor <= maxMicroversion
    ? Effect.succeed(minor)
    : refuse(
        "cinder",
        406,
        `Version ${header} is not supported by the API. Minimum is 3.0 and maximum is 3.${maxMicroversion}.`
      )
}

const ownVolume = (ctx: Ctx, id: string) => {
  const volume = ctx.state.volumes.get(id)
  return volume !== undefined && volume.projectId === ctx.caller.projectId
    ? Effect.succeed(volume)
    : refuse("cinder", 404, `Volume ${id} could not be found.`)
}

const createVolume = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "volume")
    const size = field(body, "size")
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
      return yield* refuse("cinder", 400, "Invalid input received: 'size' must be an integer of at least 1")
    }
    const imageId = stringField(body, "imageRef")
    if (imageId !== undefined && !state.images.has(imageId)) {
      return yield* refuse("cinder", 400, "Invalid image identifier or unable to access requested image.")
    }
    const snapshotId = stringField(body, "snapshot_id")
    const snapshot = snapshotId === undefined ? undefined : yield* ownSnapshot(ctx, snapshotId)
    if (snapshot !== undefined && snapshot.status !== "available") {
      return yield* refuse(
        "cinder",
        400,
        `Invalid snapshot: Originating snapshot status must be one of 'available' values`
      )
    }
    if (snapshot !== undefined && size < snapshot.size) {
      return yield* refuse(
        "cinder",
        400,
        `Invalid input received: Volume size '${size}'GB cannot be smaller than the snapshot size ${snapshot.size}GB. They must be >= original snapshot size.`
      )
    }
    const typeName = stringField(body, "volume_type") ?? "__DEFAULT__"
    const volumeType = [...state.volumeTypes.values()].find((t) => t.id === typeName || t.name === typeName)
    if (volumeType === undefined)
      return yield* refuse("cinder", 404, `Volume type with name ${typeName} could not be found.`)
    const zone = stringField(body, "availability_zone") ?? "nova"
    if (zone !== "nova")
      return yield* refuse("cinder", 400, `Invalid input received: Availability zone '${zone}' is invalid.`)
    const own = [...state.volumes.values()].filter((v) => v.projectId === caller.projectId)
    const quota = state.projects.get(caller.projectId)?.quota
    if (quota !== undefined && own.length + 1 > quota.volumes) {
      return yield* new Refusal({ answer: overQuotaAnswer("cinder", "volumes") })
    }
    if (quota !== undefined && own.reduce((sum, v) => sum + v.size, 0) + size > quota.gigabytes) {
      return yield* new Refusal({ answer: overQuotaAnswer("cinder", "gigabytes") })
    }
    const volume: Volume = {
      id: uuid(),
      name: stringField(body, "name") ?? null,
      description: stringField(body, "description") ?? null,
      projectId: caller.projectId,
      userId: caller.userId,
      size,
      imageId,
      snapshotId,
      volumeType,
      metadata: stringRecord(field(body, "metadata")),
      availabilityZone: zone,
      createdAt: now,
      status: "creating",
      attachments: [],
      updatedAt: null
    }
    state.volumes.set(volume.id, volume)
    const failure = ctx.errorState
    schedule(state, state.steps.volumeCreate, (at) => {
      if (state.volumes.get(volume.id) !== volume || volume.status !== "creating") return
      volume.updatedAt = at
      if (failure === undefined) {
        volume.status = "available"
        return
      }
      volume.status = "error"
      const message = {
        id: uuid(),
        projectId: volume.projectId,
        resourceId: volume.id,
        text: failure,
        createdAt: at
      }
      state.messages.set(message.id, message)
    })
    return ok({ volume: volumeView(state, volume) }, 202)
  })

const deleteVolume = (ctx: Ctx, id: string) =>
  Effect.gen(function* () {
    const { state } = ctx
    const volume = yield* ownVolume(ctx, id)
    const hasSnapshots = [...state.snapshots.values()].some((s) => s.volumeId === volume.id)
    if (!deletable.has(volume.status) || volume.attachments.length > 0 || hasSnapshots) {
      return yield* refuse(
        "cinder",
        400,
        "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
      )
    }
    Object.assign(volume, { status: "deleting", updatedAt: ctx.now })
    schedule(state, state.steps.volumeDelete, () => state.volumes.delete(volume.id))
    return { status: 202 }
  })

const listVolumes = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, call } = ctx
    const q = call.query
    const wanted = Object.entries(yield* metadataFilter(q.metadata))
    const volumes = [...state.volumes.values()]
      .reverse()
      .filter(
        (v) =>
          v.projectId === caller.projectId &&
          (q.name === undefined || v.name === q.name) &&
          (q.status === undefined || v.status === q.status) &&
          wanted.every(([key, value]) => v.metadata[key] === value)
      )
      .sort(newestFirst)
    const page = yield* paginate(call, volumes, state.pageSize)
    return ok({ volumes: page.items.map((v) => volumeView(state, v)), volumes_links: links(page.next) })
  })

const listMessages = (ctx: Ctx) => {
  const { state, caller, call } = ctx
  const messages = [...state.messages.values()]
    .reverse()
    .filter(
      (m) =>
        m.projectId === caller.projectId &&
        (call.query.resource_uuid === undefined || m.resourceId === call.query.resource_uuid)
    )
    .sort(newestFirst)
    .map((m) => ({
      id: m.id,
      resource_type: "VOLUME",
      resource_uuid: m.resourceId,
      request_id: `req-${uuid()}`,
      event_id: "VOLUME_000002",
      message_level: "ERROR",
      user_message: m.text,
      created_at: isoMicros(m.createdAt),
      guaranteed_until: isoMicros(m.createdAt + 2_592_000_000),
      links: []
    }))
  return Effect.succeed(ok({ messages }))
}

export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { state, call, caller } = ctx
  if (call.urlProject === undefined) {
    return call.path === "/" && call.method === "GET" ? Effect.succeed(ok(versionsDocument)) : undefined
  }
  if (call.urlProject !== caller.projectId) {
    return refuse("cinder", 403, `Policy doesn't allow access to project ${call.urlProject} to be performed.`)
  }
  const [, collection, id, more] = call.path.split("/")
  const checked = (effect: Effect.Effect<Answer, Refusal>) => Effect.zipRight(microversionOf(ctx), effect)
  if (more === "metadata" && id !== undefined && call.method === "POST") {
    // `POST /volumes/<id>/metadata` and `/snapshots/<id>/metadata` merge the pairs into what is there.
    const target: Effect.Effect<{ metadata: Readonly<Record<string, string>> }, Refusal> | undefined =
      collection === "volumes"
        ? ownVolume(ctx, id)
        : collection === "snapshots"
          ? ownSnapshot(ctx, id)
          : undefined
    if (target === undefined) return undefined
    return checked(
      Effect.map(target, (found) => {
        found.metadata = { ...found.metadata, ...stringRecord(field(call.json, "metadata")) }
        return ok({ metadata: found.metadata })
      })
    )
  }
  if (more !== undefined) return undefined
  if (collection === "volumes") {
    if (id === undefined) return call.method === "POST" ? checked(createVolume(ctx)) : undefined
    if (id === "detail") return call.method === "GET" ? checked(listVolumes(ctx)) : undefined
    if (call.method === "GET")
      return checked(Effect.map(ownVolume(ctx, id), (v) => ok({ volume: volumeView(state, v) })))
    return call.method === "DELETE" ? checked(deleteVolume(ctx, id)) : undefined
  }
  if (collection === "snapshots") {
    const served = routeSnapshots(ctx, id)
    return served === undefined ? undefined : checked(served)
  }
  if (collection === "types" && call.method === "GET") {
    if (id === undefined)
      return Effect.succeed(ok({ volume_types: [...state.volumeTypes.values()].map(typeView) }))
    const type = state.volumeTypes.get(id)
    return type === undefined
      ? refuse("cinder", 404, `Volume type ${id} could not be found.`)
      : Effect.succeed(ok({ volume_type: typeView(type) }))
  }
  if (collection === "limits" && id === undefined && call.method === "GET") return checked(limits(ctx))
  if (collection === "messages" && id === undefined && call.method === "GET")
    return checked(listMessages(ctx))
  return undefined
}
