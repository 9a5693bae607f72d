import { Effect } from "effect"
import type { MicroversionRange } from "../http/microversion.js"
import { makeServiceApi } from "../http/ServiceApi.js"
import { makeSnapshotOperations } from "./snapshots.js"
import { makeVolumeOperations } from "./volumes.js"
import { makeVolumeTypeOperations } from "./volumeTypes.js"

/**
 * The block-storage microversions we speak; we send the highest the cloud also supports.
 * - 3.3 minimum: user messages (why a volume went to `error`).
 * - 3.70 (Zed) maximum: the newest we have tested against.
 */
export const cinderMicroversions: MicroversionRange = {
  headerService: "volume",
  minimum: "3.3",
  maximum: "3.70"
}

/** Cinder v3: volumes (with waiters and the reasons for errors), snapshots and volume types. */
export class Cinder extends Effect.Service<Cinder>()("@enamel/openstack-clients/Cinder", {
  accessors: true,
  effect: Effect.gen(function* () {
    const api = yield* makeServiceApi({
      name: "cinder",
      type: "volumev3",
      microversions: cinderMicroversions
    })
    return {
      /** The microversion negotiated with the session's cloud. */
      microversion: api.microversion,
      ...makeVolumeOperations(api),
      ...makeSnapshotOperations(api),
      ...makeVolumeTypeOperations(api)
    }
  })
}) {}
