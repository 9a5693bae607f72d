import { HttpApiBuilder } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import { CurrentCaller, EnamelApi, NotFound, ServiceUnavailable } from "@enamel/domain/contract"
import { ServerBackupList, ServerShow } from "@enamel/domain/flows"
import { type OpenStackError, Session } from "@enamel/openstack-clients"
import { Effect } from "effect"

/** A read's refusals: the server the caller cannot see is a 404, a cloud that cannot answer now a 503. */
const refusals =
  (what: string) =>
  (
    error:
      | OpenStackError
      | { readonly _tag: "ServerNotFound"; readonly code: string; readonly message: string }
  ): Effect.Effect<never, NotFound | ServiceUnavailable> =>
    error._tag === "ServerNotFound"
      ? Effect.fail(new NotFound({ code: error.code, detail: error.message }))
      : Effect.fail(
          new ServiceUnavailable({
            code: ErrorCode.serviceUnavailable,
            detail: `the cloud cannot show ${what} now (${error.message}); try again shortly`
          })
        )

/**
 * `GET /servers/{id}` and `GET /servers/{id}/backups`: the porcelain reads, with the caller's own session
 * (another project's server is a 404, as Nova says). No task, nothing stored.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "servers", (handlers) =>
  handlers
    .handle("getServer", ({ path }) =>
      Effect.flatMap(CurrentCaller, (caller) =>
        ServerShow.readServer(path.id).pipe(
          Effect.map((server) => ({ server })),
          Effect.provideService(Session, caller.session),
          Effect.catchAll(refusals(`server ${path.id}`))
        )
      )
    )
    .handle("listServerBackups", ({ path }) =>
      Effect.flatMap(CurrentCaller, (caller) =>
        ServerBackupList.listBackups(path.id).pipe(
          Effect.map((backups) => ({ backups })),
          Effect.provideService(Session, caller.session),
          Effect.catchAll(refusals(`the backups of server ${path.id}`))
        )
      )
    )
)
