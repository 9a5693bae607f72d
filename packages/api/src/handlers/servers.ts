import { HttpApiBuilder } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import { CurrentCaller, EnamelApi, NotFound, ServiceUnavailable } from "@enamel/domain/contract"
import { ServerShow } from "@enamel/domain/flows"
import { Session } from "@enamel/openstack-clients"
import { Effect } from "effect"

/**
 * `GET /servers/{id}`: the porcelain read, with the caller's own session (another project's server is a
 * 404, as Nova says). No task, nothing stored; a cloud that cannot answer now is a 503.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "servers", (handlers) =>
  handlers.handle("getServer", ({ path }) =>
    Effect.flatMap(CurrentCaller, (caller) =>
      ServerShow.readServer(path.id).pipe(
        Effect.map((server) => ({ server })),
        Effect.provideService(Session, caller.session),
        Effect.catchAll(
          (error): Effect.Effect<never, NotFound | ServiceUnavailable> =>
            error._tag === "ServerNotFound"
              ? Effect.fail(new NotFound({ code: error.code, detail: error.message }))
              : Effect.fail(
                  new ServiceUnavailable({
                    code: ErrorCode.serviceUnavailable,
                    detail: `the cloud cannot show server ${path.id} now (${error.message}); try again shortly`
                  })
                )
        )
      )
    )
  )
)
