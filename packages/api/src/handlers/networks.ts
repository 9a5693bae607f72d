import { HttpApiBuilder } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import { CurrentCaller, EnamelApi, NotFound, ServiceUnavailable } from "@enamel/domain/contract"
import { NetworkShow } from "@enamel/domain/flows"
import { type OpenStackError, Session } from "@enamel/openstack-clients"
import { Effect } from "effect"

/**
 * `GET /networks/{id}`: the porcelain read, with the caller's own session (a network the caller cannot
 * see is a 404, as Neutron says; a cloud that cannot answer now a 503). No task, nothing stored.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "networks", (handlers) =>
  handlers.handle("getNetwork", ({ path }) =>
    Effect.flatMap(CurrentCaller, (caller) =>
      NetworkShow.readNetwork(path.id).pipe(
        Effect.map((network) => ({ network })),
        Effect.provideService(Session, caller.session),
        Effect.catchAll(
          (
            error: OpenStackError | NetworkShow.NetworkNotFound
          ): Effect.Effect<never, NotFound | ServiceUnavailable> =>
            error._tag === "NetworkNotFound"
              ? Effect.fail(new NotFound({ code: error.code, detail: error.message }))
              : Effect.fail(
                  new ServiceUnavailable({
                    code: ErrorCode.serviceUnavailable,
                    detail: `the cloud cannot show network ${path.id} now (${error.message}); try again shortly`
                  })
                )
        )
      )
    )
  )
)
