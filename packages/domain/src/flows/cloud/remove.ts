/**
 * How Enamel removes what it made. Every removal succeeds when the thing is already gone and may run any
 * number of times (undos run again after a crash; a stage cut off mid-call runs again on resume).
 *
 * `remove…` asks for the delete and waits until the thing is gone: for the undos of `server.create`,
 * which always finish, and for version 1 of `server.delete`. `request…Delete` only asks: for the stages
 * of later `server.delete` versions, which leave the waiting to stages of their own (`waits: true`), so
 * that a worker shutting down cuts the wait off rather than waiting it out. The waits are the clients'.
 */
import { Cinder, Neutron, Nova, type OpenStackError } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"

export const goneIfNotFound = <R>(self: Effect.Effect<void, OpenStackError, R>) =>
  Effect.catchTag(self, "OpenStackNotFound", () => Effect.void)

export const removeFloatingIp = Effect.fn("Enamel.removeFloatingIp")(function* (id: string) {
  yield* goneIfNotFound(Neutron.deleteFloatingIp(id))
})

export const removePort = Effect.fn("Enamel.removePort")(function* (id: string) {
  yield* goneIfNotFound(Neutron.deletePort(id))
})

export const removeKeypair = Effect.fn("Enamel.removeKeypair")(function* (name: string) {
  yield* goneIfNotFound(Nova.deleteKeypair(name))
})

/** Asks Nova to delete the server, without waiting (asking again while it is being deleted is harmless). */
export const requestServerDelete = Effect.fn("Enamel.requestServerDelete")(function* (id: string) {
  yield* goneIfNotFound(Nova.deleteServer(id))
})

/** Deletes the server and waits until it is gone (Nova then releases its ports and volumes). */
export const removeServer = Effect.fn("Enamel.removeServer")(function* (id: string) {
  yield* requestServerDelete(id)
  yield* Nova.waitForServerDeleted(id)
})

/**
 * Asks Cinder to delete a volume or snapshot as it was seen, unless it is gone or Cinder is already
 * deleting it.
 */
const deleteAsSeen =
  <R>(remove: (id: string) => Effect.Effect<void, OpenStackError, R>) =>
  (seen: Option.Option<{ readonly id: string; readonly status: string }>) =>
    Option.match(seen, {
      onNone: () => Effect.void,
      onSome: (found) => (found.status === "deleting" ? Effect.void : goneIfNotFound(remove(found.id)))
    })

const deleteVolumeAsSeen = deleteAsSeen((id) => Cinder.deleteVolume(id))

/**
 * Asks Cinder to delete a volume that is deletable by now (`Cinder.waitForVolumeDeletable`), without
 * waiting. It looks first, so that a second request for a volume already being deleted (a stage run
 * again after a crash) is not refused.
 */
export const requestVolumeDelete = Effect.fn("Enamel.requestVolumeDelete")(function* (id: string) {
  yield* deleteVolumeAsSeen(yield* Cinder.findVolume(id))
})

/**
 * Deletes the volume once Cinder allows it, and waits until it is gone: a volume still being created, or
 * attached to a server being deleted (Nova detaches it, or deletes it itself when delete_on_termination
 * is set), is waited for first.
 */
export const removeVolume = Effect.fn("Enamel.removeVolume")(function* (id: string) {
  yield* deleteVolumeAsSeen(yield* Cinder.waitForVolumeDeletable(id))
  yield* Cinder.waitForVolumeDeleted(id)
})

const deleteSnapshotAsSeen = deleteAsSeen((id) => Cinder.deleteSnapshot(id))

/**
 * Asks Cinder to delete a snapshot, without waiting. It looks first, so that a second request for a
 * snapshot already being deleted (a stage run again after a crash) is not refused.
 */
export const requestSnapshotDelete = Effect.fn("Enamel.requestSnapshotDelete")(function* (id: string) {
  yield* deleteSnapshotAsSeen(yield* Cinder.findSnapshot(id))
})

/** Deletes the snapshot once Cinder allows it (not while it is still being made), and waits until it is gone. */
export const removeSnapshot = Effect.fn("Enamel.removeSnapshot")(function* (id: string) {
  yield* deleteSnapshotAsSeen(yield* Cinder.waitForSnapshotDeletable(id))
  yield* Cinder.waitForSnapshotDeleted(id)
})

/** Deletes the network (Neutron removes its DHCP ports with it); gone already is fine. */
export const removeNetwork = Effect.fn("Enamel.removeNetwork")(function* (id: string) {
  yield* goneIfNotFound(Neutron.deleteNetwork(id))
})

/** Deletes the subnet (once no router interface or server port is on it); gone already is fine. */
export const removeSubnet = Effect.fn("Enamel.removeSubnet")(function* (id: string) {
  yield* goneIfNotFound(Neutron.deleteSubnet(id))
})

/** Deletes the router (once it has no interfaces) with its gateway; gone already is fine. */
export const removeRouter = Effect.fn("Enamel.removeRouter")(function* (id: string) {
  yield* goneIfNotFound(Neutron.deleteRouter(id))
})

/** Takes the subnet's interface off the router; already off, or the router gone, is fine. */
export const removeRouterInterface = Effect.fn("Enamel.removeRouterInterface")(function* (
  routerId: string,
  subnetId: string
) {
  yield* goneIfNotFound(Neutron.removeRouterInterface(routerId, { subnetId }))
})
