import { Neutron } from "@enamel/openstack-clients"
import { Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { AttachedFloatingIp } from "../attachedFloatingIp.js"

/**
 * Disassociates: takes the floating IP off the server's port (Neutron). Undo: none; the user asked for it
 * to be let go of, and a task that fails later leaves it off the port (asking again finishes the job).
 * Taking off one that is off already, or gone, is harmless, so a re-run after a crash is too.
 */
export const disassociateFloatingIp = CloudStage.make({
  name: "disassociateFloatingIp",
  result: AttachedFloatingIp,
  run: Effect.fn("ServerFloatingIpDetach.disassociateFloatingIp")(function* (attached: AttachedFloatingIp) {
    yield* Neutron.associateFloatingIp(attached.floating_ip_id, null).pipe(
      Effect.catchTag("OpenStackNotFound", () => Effect.void)
    )
    return attached
  })
})
