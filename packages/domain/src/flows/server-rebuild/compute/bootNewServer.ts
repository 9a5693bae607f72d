import { Effect } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removeServer } from "../../cloud/remove.js"
import { BootedServer } from "../../server-create/compute/bootServer.js"
import type { ReplacedServer } from "../checkRequest.js"
import { bootOnVolumes } from "./bootOnVolumes.js"

export interface NewServerInput {
  readonly server: ReplacedServer
  readonly bootVolumeId: string
  /** The request's keypair, else the server's. */
  readonly keypair: string | undefined
  readonly userData: string | undefined
}

/**
 * Creates: the new server, with the old one's name, flavor, metadata (Enamel's marks among them), tags
 * and keypair (or the request's), on its ports, booted from the new root (deleted with the server as the
 * old root was) with the old server's other volumes in their order (kept when the server is deleted).
 * Undo: deletes the new server and waits until it is gone, which lets go of the ports and volumes for
 * the old server's return.
 */
export const bootNewServer = CloudStage.make({
  name: "bootNewServer",
  result: BootedServer,
  run: Effect.fn("ServerRebuild.bootNewServer")(function* (input: NewServerInput, context: StageContext) {
    const { server } = input
    const id = yield* bootOnVolumes(
      {
        server,
        root: { id: input.bootVolumeId, delete_on_termination: server.boot_volume.delete_on_termination },
        volumes: server.data_volumes.map((volume) => ({ id: volume.id, delete_on_termination: false })),
        keyName: input.keypair ?? server.key_name,
        userData: input.userData
      },
      context
    )
    return { id }
  }),
  compensate: (server) => removeServer(server.id)
})
