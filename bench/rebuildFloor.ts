/**
 * The floor of the rebuild part (bench/rebuild.ts): the plumbing calls on the critical path of Enamel's
 * `server.rebuild` on the dev cloud's path (Nova 2.93 with Cinder's reimage), directly with plain fetch and
 * alice's token: Nova `POST /servers/{id}/action` `rebuild` at compute microversion 2.93 (Nova answers with
 * the server's task state set to rebuilding) → poll the server every 0.2 s, as Enamel's
 * `waitServerRebuilt` does, until it is ACTIVE with no task state. The image's id is found before the
 * clock starts: Enamel finds it, the server's root volume and the cloud's versions inside its time
 * (admission and `checkRequest`), and that is Enamel's own work, not the plumbing's.
 */

import { COMPUTE_MICROVERSION } from "./resizeFloor.js"
import { call, type Login, pollUntil } from "./support/cloud.js"
import type { Server } from "./support/resources.js"

/** One rebuild of the server from the image, as the floor makes it. Returns the seconds. */
export const floorRebuild = async (who: Login, serverId: string, imageId: string): Promise<number> => {
  const started = performance.now()
  await call(
    who,
    "compute",
    "POST",
    `/servers/${serverId}/action`,
    { rebuild: { imageRef: imageId } },
    COMPUTE_MICROVERSION
  )
  await pollUntil(
    () => call<{ server: Server }>(who, "compute", "GET", `/servers/${serverId}`).then((s) => s.server),
    (s) => s.status === "ACTIVE" && (s["OS-EXT-STS:task_state"] ?? null) === null,
    (s) => s.status === "ERROR"
  )
  return (performance.now() - started) / 1000
}
