/**
 * Attaching a port to an existing server and letting it go again, as the interface flows and their undos
 * do it. Nova's 409 while the server is busy (an interface attach or detach under way sets a task state)
 * is waited out with `serverBusyRetry`, so that two tasks on one server both succeed.
 */
import { Neutron, Nova, OpenStackTimeout } from "@enamel/openstack-clients"
import { Duration, Effect, Option, Schedule } from "effect"
import { serverBusyRetry } from "./schedules.js"

/** How long a detach is looked after, every 0.5 s, until Neutron shows the port let go of (2 minutes). */
const detachUnderWay = Schedule.spaced(Duration.millis(500)).pipe(Schedule.intersect(Schedule.recurs(240)))

/** Asks Nova to attach the port, waiting while the server is busy; Nova answers once it is bound. */
export const requestInterfaceAttach = Effect.fn("Enamel.requestInterfaceAttach")(function* (
  serverId: string,
  portId: string
) {
  return yield* Nova.attachInterface(serverId, portId).pipe(Effect.retry(serverBusyRetry))
})

/** Whether Nova has the port attached to the server. */
export const interfaceAttached = Effect.fn("Enamel.interfaceAttached")(function* (
  serverId: string,
  portId: string
) {
  const interfaces = yield* Nova.listInterfaces(serverId)
  return interfaces.some((attached) => attached.portId === portId)
})

/**
 * Asks Nova to detach the port, waiting while the server is busy; a port not (or no longer) attached to
 * the server, or a server that is gone, is detached already.
 */
export const requestInterfaceDetach = Effect.fn("Enamel.requestInterfaceDetach")(function* (
  serverId: string,
  portId: string
) {
  yield* Nova.detachInterface(serverId, portId).pipe(
    Effect.retry(serverBusyRetry),
    Effect.catchTag("OpenStackNotFound", () => Effect.void)
  )
})

/** Waits until Neutron shows the port no longer bound to the server (or gone). */
export const waitInterfaceDetached = Effect.fn("Enamel.waitInterfaceDetached")(function* (
  serverId: string,
  portId: string
) {
  const stillBound = (seen: Option.Option<{ readonly deviceId: string }>) =>
    Option.exists(seen, (port) => port.deviceId === serverId)
  const look = Neutron.getPort(portId).pipe(
    Effect.map(Option.some),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
  )
  const last = yield* look.pipe(
    Effect.repeat({
      schedule: Schedule.zipLeft(
        Schedule.identity<Option.Option<{ readonly deviceId: string }>>(),
        detachUnderWay
      ),
      while: stillBound
    })
  )
  if (stillBound(last)) {
    return yield* new OpenStackTimeout({
      service: "nova",
      message: `port ${portId} was still attached to server ${serverId} after 2 minutes`
    })
  }
})

/** Detaches the port and waits until Neutron shows it let go of (an undo: it must succeed when it is gone). */
export const removeInterface = Effect.fn("Enamel.removeInterface")(function* (
  serverId: string,
  portId: string
) {
  yield* requestInterfaceDetach(serverId, portId)
  yield* waitInterfaceDetached(serverId, portId)
})
