import { Effect, Option } from "effect"
import { type OpenStackError, OpenStackNotFound, OpenStackResourceFailed } from "../errors.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import type { Session } from "../identity/Session.js"
import { type WaitOptions, waitFor } from "../wait.js"
import { type Server, serverFailure } from "./servers.js"

/** What a server waiter waits for: `done` when the server is there, `failed` (a reason) when it never will be. */
export interface ServerWait {
  /** In words, for the timeout's message: `VERIFY_RESIZE`, `ACTIVE on m1.small`. */
  readonly target: string
  readonly done: (server: Server) => boolean
  /** Why the server will not get there (besides ERROR, which always fails with Nova's fault). */
  readonly failed?: (server: Server) => string | undefined
}

/**
 * Nova's server actions (`POST /servers/{id}/action`) that resize a server and stop or start it, and a
 * waiter for the state they lead to. Each answers 409 while the server has a task state.
 */
export const makeServerActionOperations = (
  api: ServiceApi,
  getServer: (id: string) => Effect.Effect<Server, OpenStackError, Session>
) => {
  const action = (id: string, json: unknown) =>
    api.discard({ method: "POST", path: `servers/${segment(id)}/action`, json })

  /** Asks Nova to resize the server to the flavor (it goes on after the 202, to VERIFY_RESIZE). */
  const resizeServer = Effect.fn("Nova.resizeServer")(function* (id: string, flavorId: string) {
    yield* action(id, { resize: { flavorRef: flavorId } })
  })

  /** Confirms a resize in VERIFY_RESIZE; the server stays VERIFY_RESIZE until the compute host is done. */
  const confirmResize = Effect.fn("Nova.confirmResize")(function* (id: string) {
    yield* action(id, { confirmResize: null })
  })

  /** Reverts a resize in VERIFY_RESIZE: the server goes back to its old flavor, in its old state. */
  const revertResize = Effect.fn("Nova.revertResize")(function* (id: string) {
    yield* action(id, { revertResize: null })
  })

  const stopServer = Effect.fn("Nova.stopServer")(function* (id: string) {
    yield* action(id, { "os-stop": null })
  })

  const startServer = Effect.fn("Nova.startServer")(function* (id: string) {
    yield* action(id, { "os-start": null })
  })

  /** Waits until the server is as `wait` says; ERROR, or `wait.failed`, fails with the reason. */
  const waitForServer = Effect.fn("Nova.waitForServer")(function* (
    id: string,
    wait: ServerWait,
    options?: WaitOptions
  ) {
    const seen = yield* waitFor(
      {
        service: "nova",
        resource: "server",
        id,
        target: wait.target,
        poll: Effect.map(getServer(id), (server) => Option.some(server)),
        status: (server: Server) =>
          `${server.status}${server.taskState === null ? "" : ` (${server.taskState})`} on ${server.flavor?.originalName ?? "?"}`,
        isDone: (seen) => Option.exists(seen, wait.done),
        failure: (server: Server) => {
          if (server.status === "ERROR") return Option.some(Effect.fail(serverFailure(server)))
          const reason = wait.failed?.(server)
          return reason === undefined
            ? Option.none()
            : Option.some(
                Effect.fail(
                  new OpenStackResourceFailed({
                    service: "nova",
                    resource: "server",
                    resourceId: id,
                    resourceStatus: server.status,
                    message: server.fault === undefined ? reason : `${reason}: ${server.fault.message}`
                  })
                )
              )
        }
      },
      options
    )
    return yield* Option.match(seen, {
      onNone: () =>
        Effect.fail(new OpenStackNotFound({ service: "nova", message: `server ${id} disappeared` })),
      onSome: Effect.succeed
    })
  })

  return { resizeServer, confirmResize, revertResize, stopServer, startServer, waitForServer }
}
