/**
 * How Enamel removes what it made: each removal succeeds when the thing is already gone, waits until it
 * is gone, and may run any number of times (undos run again after a crash). Shared by the undos of
 * `server.create` and the stages of `server.delete`.
 */
import {
  Cinder,
  ClientSettings,
  Neutron,
  Nova,
  type OpenStackError,
  OpenStackTimeout,
  type Volume
} from "@enamel/openstack-clients"
import { Effect, Option } from "effect"

const goneIfNotFound = <R>(self: Effect.Effect<void, OpenStackError, R>) =>
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

/** Deletes the server and waits until it is gone (Nova then releases its ports and volumes). */
export const removeServer = Effect.fn("Enamel.removeServer")(function* (id: string) {
  yield* goneIfNotFound(Nova.deleteServer(id))
  yield* Nova.waitForServerDeleted(id)
})

/** Statuses in which Cinder lets a volume's owner delete it. */
const deletable = new Set(["available", "error", "error_restoring", "error_extending", "error_managing"])

const lookAtVolume = (id: string) =>
  Cinder.getVolume(id).pipe(
    Effect.map(Option.some),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
  )

/** Polls the volume until `done` holds (none: it is gone), within the clients' wait timeout. */
const watchVolume = (id: string, target: string, done: (seen: Option.Option<Volume>) => boolean) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings.ClientSettings
    const watch = Effect.gen(function* () {
      while (true) {
        const seen = yield* lookAtVolume(id)
        if (done(seen)) return seen
        yield* Effect.sleep(settings.pollInterval)
      }
    })
    return yield* Effect.timeoutFail(watch, {
      duration: settings.waitTimeout,
      onTimeout: () =>
        new OpenStackTimeout({ service: "cinder", message: `volume ${id} did not become ${target} in time` })
    })
  })

/**
 * Deletes the volume once Cinder allows it: a volume still being created, or attached to a server being
 * deleted (Nova detaches, or deletes it itself when delete_on_termination is set), is waited for first.
 */
export const removeVolume = Effect.fn("Enamel.removeVolume")(function* (id: string) {
  const seen = yield* watchVolume(id, "deletable", (volume) =>
    Option.match(volume, {
      onNone: () => true,
      onSome: (v) => v.status === "deleting" || (deletable.has(v.status) && v.attachments.length === 0)
    })
  )
  if (Option.isNone(seen)) return
  if (seen.value.status !== "deleting") yield* goneIfNotFound(Cinder.deleteVolume(id))
  yield* Cinder.waitForVolumeDeleted(id)
})
