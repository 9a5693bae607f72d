/**
 * Enamel's ownership marks that carry a server's id, moved to the server that replaces it, so that
 * `DELETE /servers/{new id}` still removes everything Enamel made for the server and its backups stay
 * its own: the server mark `enamel_server=<id>` (Neutron tags of ports and floating IPs, Cinder metadata
 * of volumes) that attach tasks left, and the backup mark `enamel_server_id=<id>` of its backup sets'
 * snapshots. Backups follow the server rather than stay with the deleted id: to the user a rebuild keeps
 * the server, so `GET /servers/{new id}/backups` lists them, rotation goes on counting them, and
 * `DELETE /servers/{new id}` is refused while they exist (their snapshots may depend on a kept old root).
 * What `server.create` made is found through the server's own marks, which the new server carries too.
 */
import {
  Cinder,
  type FloatingIp,
  Neutron,
  type OpenStackError,
  type Port,
  type Snapshot,
  type Volume
} from "@enamel/openstack-clients"
import { Array as Arr, Effect, type Option, Schema } from "effect"
import { backupServerKey, serverKey, serverTag } from "../cloud/marks.js"

/** What carried the marks of the old server when they were moved. */
export const MovedMarks = Schema.Struct({
  port_ids: Schema.Array(Schema.String),
  floating_ip_ids: Schema.Array(Schema.String),
  volume_ids: Schema.Array(Schema.String),
  snapshot_ids: Schema.Array(Schema.String)
})
export type MovedMarks = typeof MovedMarks.Type

interface Marked {
  readonly ports: ReadonlyArray<Port>
  readonly floatingIps: ReadonlyArray<FloatingIp>
  readonly volumes: ReadonlyArray<Volume>
  readonly snapshots: ReadonlyArray<Snapshot>
}

const byId = <A extends { readonly id: string }>(lists: ReadonlyArray<ReadonlyArray<A>>) =>
  Arr.dedupeWith(lists.flat(), (a, b) => a.id === b.id)

const unbounded = { concurrency: "unbounded" } as const

/** What carries the marks of either server (a cut-off run may have moved some already). */
const findMarked = (ids: ReadonlyArray<string>) =>
  Effect.all(
    {
      ports: Effect.map(
        Effect.forEach(ids, (id) => Neutron.listPorts({ tags: [serverTag(id)] }), unbounded),
        byId
      ),
      floatingIps: Effect.map(
        Effect.forEach(ids, (id) => Neutron.listFloatingIps({ tags: [serverTag(id)] }), unbounded),
        byId
      ),
      volumes: Effect.map(
        Effect.forEach(ids, (id) => Cinder.listVolumes({ metadata: { [serverKey]: id } }), unbounded),
        byId
      ),
      snapshots: Effect.map(
        Effect.forEach(ids, (id) => Cinder.listSnapshots({ metadata: { [backupServerKey]: id } }), unbounded),
        byId
      )
    },
    unbounded
  )

/** Each id's resource as it is now; those gone since are left out. */
const existing = <A, E, R>(
  ids: ReadonlyArray<string>,
  find: (id: string) => Effect.Effect<Option.Option<A>, E, R>
) => Effect.map(Effect.forEach(ids, find, unbounded), Arr.getSomes)

const orNone = <A, R>(get: Effect.Effect<A, OpenStackError, R>) =>
  get.pipe(
    Effect.asSome,
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
  )

/** The resources listed, as they are now. */
const lookUp = (moved: MovedMarks) =>
  Effect.all(
    {
      ports: existing(moved.port_ids, (id) => orNone(Neutron.getPort(id))),
      floatingIps: existing(moved.floating_ip_ids, (id) => orNone(Neutron.getFloatingIp(id))),
      volumes: existing(moved.volume_ids, (id) => Cinder.findVolume(id)),
      snapshots: existing(moved.snapshot_ids, (id) => Cinder.findSnapshot(id))
    },
    unbounded
  )

/** Rewrites the marks of `from` on each resource to `to` (those that carry `to` already are left). */
const rewrite = (marked: Marked, from: string, to: string) =>
  Effect.gen(function* () {
    const retag = (tags: ReadonlyArray<string>) =>
      tags.map((tag) => (tag === serverTag(from) ? serverTag(to) : tag))
    const carries = (tags: ReadonlyArray<string>) => tags.includes(serverTag(from))
    yield* Effect.all(
      [
        Effect.forEach(
          marked.ports.filter((p) => carries(p.tags)),
          (p) => Neutron.setPortTags(p.id, retag(p.tags)),
          unbounded
        ),
        Effect.forEach(
          marked.floatingIps.filter((ip) => carries(ip.tags)),
          (ip) => Neutron.setFloatingIpTags(ip.id, retag(ip.tags)),
          unbounded
        ),
        Effect.forEach(
          marked.volumes.filter((v) => v.metadata[serverKey] === from),
          (v) => Cinder.setVolumeMetadata(v.id, { [serverKey]: to }),
          unbounded
        ),
        Effect.forEach(
          marked.snapshots.filter((s) => s.metadata[backupServerKey] === from),
          (s) => Cinder.setSnapshotMetadata(s.id, { [backupServerKey]: to }),
          unbounded
        )
      ],
      unbounded
    )
    const moved: MovedMarks = {
      port_ids: marked.ports.map((p) => p.id),
      floating_ip_ids: marked.floatingIps.map((ip) => ip.id),
      volume_ids: marked.volumes.map((v) => v.id),
      snapshot_ids: marked.snapshots.map((s) => s.id)
    }
    return moved
  })

/** Moves every mark of server `from` to server `to`; answers what carried them. May run again. */
export const moveServerMarks = Effect.fn("ServerRebuild.moveServerMarks")(function* (
  from: string,
  to: string
) {
  return yield* rewrite(yield* findMarked([from, to]), from, to)
})

/** Moves the marks back from `to` to `from` on what `moveServerMarks` moved (an undo). */
export const moveServerMarksBack = Effect.fn("ServerRebuild.moveServerMarksBack")(function* (
  moved: MovedMarks,
  from: string,
  to: string
) {
  yield* rewrite(yield* lookUp(moved), to, from)
})
