import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removeFloatingIp } from "../../cloud/remove.js"
import { AttachedPort } from "../attachedPort.js"

/**
 * Deletes: releases the port's floating IPs Enamel made for the server, and takes the user's off the port
 * (kept). Undo: none; a task that fails later leaves them so (asking again finishes the job). Harmless to
 * run again: a floating IP gone or off the port already is left so.
 */
export const letGoOfFloatingIps = CloudStage.make({
  name: "letGoOfFloatingIps",
  result: AttachedPort,
  run: Effect.fn("ServerInterfaceDetach.letGoOfFloatingIps")(function* (attached: AttachedPort) {
    yield* Effect.all(
      [
        Effect.forEach(attached.enamel_floating_ip_ids, removeFloatingIp, { concurrency: "unbounded" }),
        Effect.forEach(
          attached.other_floating_ip_ids,
          (id) =>
            Neutron.associateFloatingIp(id, null).pipe(
              Effect.catchTag("OpenStackNotFound", () => Effect.void)
            ),
          { concurrency: "unbounded" }
        )
      ],
      { concurrency: "unbounded", discard: true }
    )
    return attached
  })
})
