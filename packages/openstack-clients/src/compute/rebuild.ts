import { Effect, Encoding, Option } from "effect"
import type { OpenStackError } from "../errors.js"
import { parseVersion } from "../http/microversion.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import type { Session } from "../identity/Session.js"
import { type WaitOptions, waitFor } from "../wait.js"
import { type Server, serverFailure } from "./servers.js"

/**
 * The compute microversion from which Nova rebuilds a server booted from a volume (it asks Cinder to
 * reimage the root volume, volume API 3.68, and the compute host must report the trait for it).
 */
export const volumeBackedRebuildMicroversion = "2.93"

/** Whether a negotiated microversion (`2.93`, `3.70`) is at least `minimum`; none (`undefined`) is not. */
export const microversionAtLeast = (version: string | undefined, minimum: string): boolean =>
  Option.match(Option.all([parseVersion(version ?? ""), parseVersion(minimum)]), {
    onNone: () => false,
    onSome: ([v, m]) => v.major > m.major || (v.major === m.major && v.minor >= m.minor)
  })

export interface ServerRebuild {
  readonly imageId: string
  /** A keypair to put in place of the server's (2.54+); left out, the server keeps its own. */
  readonly keyName?: string
  /** Plain text (e.g. cloud-config), encoded in base64 here (2.57+); left out, the server keeps its own. */
  readonly userData?: string
  /**
   * The server's metadata after the rebuild: Nova replaces the whole set, in the same write that puts
   * the server in REBUILD, so a mark given here says that this request was taken. Left out, it keeps its own.
   */
  readonly metadata?: Readonly<Record<string, string>>
}

export const makeRebuildOperations = (
  api: ServiceApi,
  getServer: (id: string) => Effect.Effect<Server, OpenStackError, Session>
) => {
  /**
   * Asks Nova to rebuild the server from the image (`POST /servers/{id}/action` `rebuild`). Nova answers
   * with the server in REBUILD and goes on after the answer (wait with `waitForServerRebuilt`); for a
   * server booted from a volume it needs microversion 2.93, and Cinder reimages the root volume.
   */
  const rebuildServer = Effect.fn("Nova.rebuildServer")(function* (id: string, spec: ServerRebuild) {
    yield* api.discard({
      method: "POST",
      path: `servers/${segment(id)}/action`,
      json: {
        rebuild: {
          imageRef: spec.imageId,
          key_name: spec.keyName,
          user_data: spec.userData === undefined ? undefined : Encoding.encodeBase64(spec.userData),
          metadata: spec.metadata
        }
      }
    })
  })

  /** Waits until the rebuild is over: no task state, ACTIVE or SHUTOFF; ERROR fails with Nova's fault. */
  const waitForServerRebuilt = (id: string, options?: WaitOptions) =>
    waitFor(
      {
        service: "nova",
        resource: "server",
        id,
        target: "rebuilt (ACTIVE or SHUTOFF)",
        poll: Effect.map(getServer(id), Option.some),
        status: (server: Server) => server.status,
        isDone: (seen) =>
          Option.exists(
            seen,
            (server) =>
              server.taskState === null && (server.status === "ACTIVE" || server.status === "SHUTOFF")
          ),
        failure: (server: Server) =>
          server.status === "ERROR" ? Option.some(Effect.fail(serverFailure(server))) : Option.none()
      },
      options
    ).pipe(Effect.withSpan("Nova.waitForServerRebuilt"))

  return { rebuildServer, waitForServerRebuilt }
}
