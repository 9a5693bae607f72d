import { Effect } from "effect"
import type { MicroversionRange } from "../http/microversion.js"
import { makeServiceApi } from "../http/ServiceApi.js"
import { makeFlavorOperations } from "./flavors.js"
import { makeInterfaceAttachmentOperations } from "./interfaceAttachments.js"
import { makeKeypairOperations } from "./keypairs.js"
import { makeComputeLimitOperations } from "./limits.js"
import { makeRebuildOperations } from "./rebuild.js"
import { makeServerActionOperations } from "./serverActions.js"
import { makeServerOperations } from "./servers.js"
import { makeVolumeAttachmentOperations } from "./volumeAttachments.js"

/**
 * The compute microversions we speak; we send the highest the cloud also supports.
 * - 2.60 (Queens) minimum: server tags at create (2.52) and in list filters (2.26), keypair types (2.2).
 * - 2.93 (Zed) maximum: the newest we have read the changes of and tested against.
 */
export const novaMicroversions: MicroversionRange = {
  headerService: "compute",
  minimum: "2.60",
  maximum: "2.93"
}

/** Nova: servers (with waiters) and their resize, stop, start and rebuild actions, their volume and interface attachments, flavors, keypairs and the project's limits. */
export class Nova extends Effect.Service<Nova>()("@enamel/openstack-clients/Nova", {
  accessors: true,
  effect: Effect.gen(function* () {
    const api = yield* makeServiceApi({ name: "nova", type: "compute", microversions: novaMicroversions })
    const servers = makeServerOperations(api)
    return {
      /** The microversion negotiated with the session's cloud. */
      microversion: api.microversion,
      ...servers,
      ...makeServerActionOperations(api, servers.getServer),
      ...makeRebuildOperations(api, servers.getServer),
      ...makeVolumeAttachmentOperations(api),
      ...makeInterfaceAttachmentOperations(api),
      ...makeFlavorOperations(api),
      ...makeKeypairOperations(api),
      ...makeComputeLimitOperations(api)
    }
  })
}) {}
