import { Cinder, Glance, type OpenStackError } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { blockStorageLimits, overQuota } from "../cloud/limits.js"
import { usableServer } from "../cloud/servers.js"
import { snapshotOrProblem } from "../cloud/snapshots.js"
import { AttachRequestUnresolved } from "./errors.js"
import { availableVolume } from "./existingVolume.js"
import type { AttachVolumeRequest } from "./request.js"

/** What `checkRequest` found: the server, and the volume to make (names as ids) or the one to attach. */
export const NewVolume = Schema.TaggedStruct("new", {
  size_gb: Schema.Number,
  name: Schema.String,
  volume_type_id: Schema.optional(Schema.String),
  image_id: Schema.optional(Schema.String),
  snapshot_id: Schema.optional(Schema.String)
})
export type NewVolume = typeof NewVolume.Type

export const AttachPlan = Schema.Struct({
  server_id: Schema.String,
  volume: Schema.Union(Schema.TaggedStruct("existing", { id: Schema.String }), NewVolume)
})
export type AttachPlan = typeof AttachPlan.Type

const problem = (text: string) => new AttachRequestUnresolved({ problems: [text] })

/** A look-up whose "not found" is a problem with the request. */
const named = <A, R>(what: string, name: string, find: Effect.Effect<A, OpenStackError, R>) =>
  find.pipe(
    Effect.catchTags({
      OpenStackNotFound: () => Effect.fail(problem(`${what} ${name} not found`)),
      OpenStackConflict: (error) => Effect.fail(problem(`${what} ${name}: ${error.message}`))
    })
  )

const activeImage = (name: string) =>
  Effect.flatMap(named("image", name, Glance.findImage(name)), (image) =>
    image.status === "active"
      ? Effect.succeed(image.id)
      : Effect.fail(problem(`image ${name} is not active (${image.status})`))
  )

const optional = <A, E, R>(value: string | undefined, f: (value: string) => Effect.Effect<A, E, R>) =>
  value === undefined ? Effect.succeed(undefined) : f(value)

/**
 * Checks, before anything is made: the server is the caller's and ACTIVE or SHUTOFF; the existing volume
 * is the caller's and available, or the new volume's image, snapshot and volume type exist (every problem
 * at once; a snapshot is available and no larger than `size_gb`), and Cinder's quota allows one more
 * volume of its size. Creates nothing.
 */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: AttachPlan,
  run: Effect.fn("ServerVolumeAttach.checkRequest")(function* (request: AttachVolumeRequest) {
    // The server read alongside the rest (not before it); its failure still comes first.
    const both = <A, E, R>(rest: Effect.Effect<A, E, R>) =>
      Effect.flatMap(
        Effect.all([usableServer(request.server_id), rest], { concurrency: "unbounded", mode: "either" }),
        ([server, found]) => Effect.zip(server, found)
      )
    if (request.volume !== undefined) {
      const [server, volume] = yield* both(availableVolume(request.volume))
      const plan: AttachPlan = { server_id: server.id, volume: { _tag: "existing", id: volume.id } }
      return plan
    }
    const [server, found] = yield* both(
      Effect.all(
        {
          volumeTypeId: optional(request.volume_type, (name) =>
            Effect.map(named("volume type", name, Cinder.findVolumeType(name)), (t) => t.id)
          ),
          imageId: optional(request.image, activeImage),
          snapshot: optional(request.snapshot, (id) => snapshotOrProblem(id, request.size_gb, problem)),
          // Read alongside the names (not after them), for the new volume's quota.
          limits: blockStorageLimits
        },
        { concurrency: "unbounded", mode: "validate" }
      ).pipe(
        Effect.mapError((errors) => {
          const failures = Object.values(errors).flatMap((e) => (e._tag === "Some" ? [e.value] : []))
          return (
            failures.find((e) => !(e instanceof AttachRequestUnresolved)) ??
            new AttachRequestUnresolved({
              problems: failures.flatMap((e) => (e instanceof AttachRequestUnresolved ? e.problems : []))
            })
          )
        })
      )
    )
    const volume: NewVolume = {
      _tag: "new",
      // A volume from a snapshot is the snapshot's size unless a size is asked for.
      size_gb: request.size_gb ?? found.snapshot?.size ?? 1,
      name: request.name ?? `${server.name}-volume`,
      volume_type_id: found.volumeTypeId,
      image_id: found.imageId,
      snapshot_id: found.snapshot?.id
    }
    yield* overQuota(found.limits, 1, volume.size_gb)
    const plan: AttachPlan = { server_id: server.id, volume }
    return plan
  })
})
