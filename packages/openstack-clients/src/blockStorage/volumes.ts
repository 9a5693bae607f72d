import { Effect, Option, Schema } from "effect"
import { OpenStackNotFound, OpenStackResourceFailed } from "../errors.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { optionalIfNotFound, type WaitOptions, waitFor } from "../wait.js"

const cinder = "cinder"

/** Cinder writes `bootable` as the string "true" or "false". */
const BooleanString = Schema.transform(Schema.Union(Schema.Boolean, Schema.String), Schema.Boolean, {
  strict: true,
  decode: (value) => value === true || (typeof value === "string" && value.toLowerCase() === "true"),
  encode: (value) => value
})

export const VolumeAttachment = Schema.Struct({
  serverId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("server_id")),
  attachmentId: Schema.optional(Schema.String).pipe(Schema.fromKey("attachment_id")),
  device: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
})

export const Volume = Schema.Struct({
  id: Schema.String,
  name: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  status: Schema.String,
  /** GiB */
  size: Schema.Number,
  bootable: Schema.optionalWith(BooleanString, { default: () => false }),
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
    default: () => ({})
  }),
  volumeType: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("volume_type")
  ),
  availabilityZone: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("availability_zone")
  ),
  attachments: Schema.optionalWith(Schema.Array(VolumeAttachment), { default: () => [] }),
  /** The snapshot the volume was made from, if any. */
  snapshotId: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("snapshot_id")
  ),
  createdAt: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("created_at"))
})
export type Volume = typeof Volume.Type

const VolumeBody = Schema.Struct({ volume: Volume })
const VolumesPage = Schema.Struct({ volumes: Schema.Array(Volume), volumes_links: Schema.optional(Links) })

/** Cinder's user-facing messages (3.3+): why an asynchronous operation on a resource failed. */
export const UserMessage = Schema.Struct({
  id: Schema.String,
  userMessage: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("user_message")),
  createdAt: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("created_at")),
  resourceUuid: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("resource_uuid")
  )
})
export type UserMessage = typeof UserMessage.Type
const MessagesBody = Schema.Struct({ messages: Schema.Array(UserMessage) })

/**
 * Statuses from which Cinder lets a volume's owner delete it (without `force`, an admin's): its delete
 * API's own list.
 */
export const volumeDeletableStatuses: ReadonlySet<string> = new Set([
  "available",
  "error",
  "error_restoring",
  "error_extending",
  "error_managing"
])

/** Whether the volume's owner may delete it now: in such a status and attached to no server. */
export const isVolumeDeletable = (volume: Volume): boolean =>
  volumeDeletableStatuses.has(volume.status) && volume.attachments.length === 0

export interface VolumeCreate {
  /** GiB */
  readonly size: number
  readonly name?: string
  readonly description?: string
  /** Create from this image: the volume is bootable once available. */
  readonly imageId?: string
  /** Create from this snapshot (at least its size). */
  readonly snapshotId?: string
  readonly volumeType?: string
  readonly availabilityZone?: string
  readonly metadata?: Readonly<Record<string, string>>
}

export const volumeCreateBody = (spec: VolumeCreate) => ({
  volume: {
    size: spec.size,
    name: spec.name,
    description: spec.description,
    imageRef: spec.imageId,
    snapshot_id: spec.snapshotId,
    volume_type: spec.volumeType,
    availability_zone: spec.availabilityZone,
    metadata: spec.metadata
  }
})

export interface VolumeFilter {
  readonly name?: string
  readonly status?: string
  /** Volumes whose metadata has all these pairs (filtered by Cinder). */
  readonly metadata?: Readonly<Record<string, string>>
  readonly pageSize?: number
}

export const makeVolumeOperations = (api: ServiceApi) => {
  const path = (id: string) => `volumes/${segment(id)}`

  const createVolume = Effect.fn("Cinder.createVolume")(function* (spec: VolumeCreate) {
    return (yield* api.json({ method: "POST", path: "volumes", json: volumeCreateBody(spec) }, VolumeBody))
      .volume
  })

  const getVolume = Effect.fn("Cinder.getVolume")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: path(id) }, VolumeBody)).volume
  })

  /** The volume, or none when it does not exist (any more). */
  const findVolume = Effect.fn("Cinder.findVolume")(function* (id: string) {
    return yield* optionalIfNotFound(getVolume(id))
  })

  const listVolumes = Effect.fn("Cinder.listVolumes")(function* (filter: VolumeFilter = {}) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "volumes/detail",
        query: {
          name: filter.name,
          status: filter.status,
          metadata: filter.metadata === undefined ? undefined : JSON.stringify(filter.metadata),
          limit: filter.pageSize
        }
      },
      { schema: VolumesPage, items: (page) => page.volumes, next: (page) => nextLink(page.volumes_links) }
    )
  })

  /** Sets these metadata pairs on the volume (`POST …/metadata` merges: other keys stay). */
  const setVolumeMetadata = Effect.fn("Cinder.setVolumeMetadata")(function* (
    id: string,
    metadata: Readonly<Record<string, string>>
  ) {
    yield* api.discard({ method: "POST", path: `${path(id)}/metadata`, json: { metadata } })
  })

  const deleteVolume = Effect.fn("Cinder.deleteVolume")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: path(id) })
  })

  /** Cinder's messages about a resource, newest first. */
  const listMessages = Effect.fn("Cinder.listMessages")(function* (resourceId: string) {
    const body = yield* api.json(
      { method: "GET", path: "messages", query: { resource_uuid: resourceId, sort: "created_at:desc" } },
      MessagesBody
    )
    return body.messages
  })

  /** The error a user sees for a volume in an error state: Cinder's newest message about it, if any. */
  const volumeFailure = (volume: Volume) =>
    listMessages(volume.id).pipe(
      Effect.map((messages) => messages[0]?.userMessage),
      Effect.orElseSucceed(() => undefined),
      Effect.flatMap((reason) =>
        Effect.fail(
          new OpenStackResourceFailed({
            service: cinder,
            resource: "volume",
            resourceId: volume.id,
            resourceStatus: volume.status,
            message: reason ?? `volume ${volume.id} went to ${volume.status}`
          })
        )
      )
    )

  /** Waits for `available`; a volume in `error` fails with Cinder's message about it. */
  const waitForVolumeAvailable = Effect.fn("Cinder.waitForVolumeAvailable")(function* (
    id: string,
    options?: WaitOptions
  ) {
    const seen = yield* waitFor(
      {
        service: cinder,
        resource: "volume",
        id,
        target: "available",
        poll: Effect.map(getVolume(id), (volume) => Option.some(volume)),
        status: (volume: Volume) => volume.status,
        isDone: (seen) => Option.exists(seen, (volume) => volume.status === "available"),
        failure: (volume: Volume) =>
          volume.status === "error" ? Option.some(volumeFailure(volume)) : Option.none()
      },
      options
    )
    return yield* Option.match(seen, {
      onNone: () =>
        Effect.fail(new OpenStackNotFound({ service: cinder, message: `volume ${id} disappeared` })),
      onSome: Effect.succeed
    })
  })

  /** Waits until the volume is gone; `error_deleting` fails with Cinder's message. */
  const waitForVolumeDeleted = Effect.fn("Cinder.waitForVolumeDeleted")(function* (
    id: string,
    options?: WaitOptions
  ) {
    yield* waitFor(
      {
        service: cinder,
        resource: "volume",
        id,
        target: "deleted",
        poll: findVolume(id),
        status: (volume: Volume) => volume.status,
        isDone: Option.isNone,
        failure: (volume: Volume) =>
          volume.status === "error_deleting" ? Option.some(volumeFailure(volume)) : Option.none()
      },
      options
    )
  })

  /**
   * Waits until the volume may be deleted by its owner (`isVolumeDeletable`: still being created, or
   * attached to a server Nova is deleting, it is not yet), or is already `deleting`, or is gone. Returns
   * the last look: none when it is gone. `error_deleting` (an earlier delete failed; only an admin can
   * delete it now) fails with Cinder's message.
   */
  const waitForVolumeDeletable = Effect.fn("Cinder.waitForVolumeDeletable")(function* (
    id: string,
    options?: WaitOptions
  ) {
    return yield* waitFor(
      {
        service: cinder,
        resource: "volume",
        id,
        target: "deletable",
        poll: findVolume(id),
        status: (volume: Volume) =>
          volume.attachments.length === 0 ? volume.status : `${volume.status}, attached`,
        isDone: (seen) =>
          Option.match(seen, {
            onNone: () => true,
            onSome: (volume) => volume.status === "deleting" || isVolumeDeletable(volume)
          }),
        failure: (volume: Volume) =>
          volume.status === "error_deleting" ? Option.some(volumeFailure(volume)) : Option.none()
      },
      options
    )
  })

  /** A volume that is `available` again after an attach: Cinder's newest message about it, if any. */
  const attachFailure = (volume: Volume, serverId: string) =>
    listMessages(volume.id).pipe(
      Effect.map((messages) => messages[0]?.userMessage),
      Effect.orElseSucceed(() => undefined),
      Effect.flatMap((reason) =>
        Effect.fail(
          new OpenStackResourceFailed({
            service: cinder,
            resource: "volume",
            resourceId: volume.id,
            resourceStatus: volume.status,
            message: `volume ${volume.id} was not attached to server ${serverId}: it is available again${reason === undefined ? "" : ` (${reason})`}`
          })
        )
      )
    )

  /** Whether the volume is attached to the server. */
  const attachedTo = (volume: Volume, serverId: string) =>
    volume.attachments.some((attachment) => attachment.serverId === serverId)

  /**
   * Waits until the volume is `in-use` and attached to the server; returns its attachment there (with
   * the device). A volume in `error` or `error_attaching` fails with Cinder's message.
   */
  const waitForVolumeAttached = Effect.fn("Cinder.waitForVolumeAttached")(function* (
    id: string,
    serverId: string,
    options?: WaitOptions
  ) {
    const seen = yield* waitFor(
      {
        service: cinder,
        resource: "volume",
        id,
        target: `in-use on server ${serverId}`,
        poll: Effect.map(getVolume(id), (volume) => Option.some(volume)),
        status: (volume: Volume) => volume.status,
        isDone: (seen) =>
          Option.exists(seen, (volume) => volume.status === "in-use" && attachedTo(volume, serverId)),
        // Nova reserves the volume before it answers the attach, so `available` and not attached means
        // the attach failed and was rolled back.
        failure: (volume: Volume) =>
          volume.status === "error" || volume.status === "error_attaching"
            ? Option.some(volumeFailure(volume))
            : volume.status === "available" && !attachedTo(volume, serverId)
              ? Option.some(attachFailure(volume, serverId))
              : Option.none()
      },
      options
    )
    const attachment = Option.flatMap(seen, (volume) =>
      Option.fromNullable(volume.attachments.find((a) => a.serverId === serverId))
    )
    return yield* Option.match(attachment, {
      onNone: () =>
        Effect.fail(new OpenStackNotFound({ service: cinder, message: `volume ${id} disappeared` })),
      onSome: Effect.succeed
    })
  })

  /**
   * Waits until the volume is no longer attached to the server and no longer `detaching` (or is gone);
   * `error_detaching` fails with Cinder's message. Returns the last look: none when it is gone.
   */
  const waitForVolumeDetached = Effect.fn("Cinder.waitForVolumeDetached")(function* (
    id: string,
    serverId: string,
    options?: WaitOptions
  ) {
    return yield* waitFor(
      {
        service: cinder,
        resource: "volume",
        id,
        target: `detached from server ${serverId}`,
        poll: findVolume(id),
        status: (volume: Volume) =>
          attachedTo(volume, serverId) ? `${volume.status}, attached` : volume.status,
        isDone: (seen) =>
          Option.match(seen, {
            onNone: () => true,
            onSome: (volume) =>
              !attachedTo(volume, serverId) && volume.status !== "detaching" && volume.status !== "attaching"
          }),
        failure: (volume: Volume) =>
          volume.status === "error_detaching" ? Option.some(volumeFailure(volume)) : Option.none()
      },
      options
    )
  })

  return {
    createVolume,
    waitForVolumeAttached,
    waitForVolumeDetached,
    getVolume,
    findVolume,
    listVolumes,
    deleteVolume,
    setVolumeMetadata,
    listMessages,
    waitForVolumeAvailable,
    waitForVolumeDeletable,
    waitForVolumeDeleted
  }
}
