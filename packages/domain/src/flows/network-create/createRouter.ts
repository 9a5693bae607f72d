import { Neutron, OpenStackFailures } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"
import { adoptOrCreate } from "../cloud/adopt.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { neutronTags } from "../cloud/marks.js"
import { routerInterfaceOwner } from "../cloud/networkPorts.js"
import { removeRouter } from "../cloud/remove.js"
import { ExternalNetworkFull, overQuotaAs } from "./errors.js"
import { findMarked } from "./findMarked.js"

export interface RouterInput {
  /** `<network>-router` */
  readonly name: string
  readonly external_network_id: string
}

export const CreatedRouter = Schema.Struct({ id: Schema.String, external_network_id: Schema.String })
export type CreatedRouter = typeof CreatedRouter.Type

/**
 * Takes the router's interfaces off, then deletes it (Neutron refuses to delete a router with
 * interfaces): an interface whose stage was cut off before its result was stored has no undo of its own.
 */
export const removeRouterWithInterfaces = Effect.fn("NetworkCreate.removeRouterWithInterfaces")(function* (
  routerId: string
) {
  const ports = yield* Neutron.listPorts({ deviceId: routerId, deviceOwner: routerInterfaceOwner })
  yield* Effect.forEach(
    ports,
    (port) =>
      Neutron.removeRouterInterface(routerId, { portId: port.id }).pipe(
        Effect.catchTag("OpenStackNotFound", () => Effect.void)
      ),
    { discard: true }
  )
  yield* removeRouter(routerId)
})

/**
 * Creates: a router with its gateway on the external network (Neutron gives the gateway an address
 * there), tagged with the task and the stage's token (the token also in its description, set in the
 * create call itself). Undo: takes its interfaces off, then deletes it
 * with its gateway. An external network with no address left fails with `network.external_network_full`
 * (Neutron makes no router then).
 */
export const createRouter = CloudStage.make({
  name: "createRouter",
  result: CreatedRouter,
  run: Effect.fn("NetworkCreate.createRouter")(function* (input: RouterInput, context: StageContext) {
    const tags = neutronTags(context.taskId, context.idempotencyToken)
    const router = yield* adoptOrCreate(
      context,
      findMarked({
        tagged: Neutron.listRouters({ tags }),
        untagged: Effect.map(Neutron.listRouters({ name: input.name }), (found) =>
          found.filter((router) => router.description === context.idempotencyToken)
        ),
        setTags: (id) => Neutron.setRouterTags(id, tags)
      }),
      Neutron.createRouter({
        name: input.name,
        description: context.idempotencyToken,
        externalNetworkId: input.external_network_id,
        tags
      }).pipe(
        overQuotaAs("router"),
        Effect.catchIf(OpenStackFailures.isLastingConflict, (error) =>
          Effect.fail(
            new ExternalNetworkFull({ externalNetworkId: input.external_network_id, detail: error.message })
          )
        )
      )
    )
    const created: CreatedRouter = { id: router.id, external_network_id: input.external_network_id }
    return created
  }),
  compensate: (router) => removeRouterWithInterfaces(router.id)
})
