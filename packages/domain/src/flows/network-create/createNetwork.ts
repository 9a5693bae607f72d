import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"
import { adoptOrCreate } from "../cloud/adopt.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { neutronTags } from "../cloud/marks.js"
import { removeNetwork } from "../cloud/remove.js"
import { overQuotaAs } from "./errors.js"
import { findMarked } from "./findMarked.js"

export interface NetworkInput {
  readonly name: string
}

export const CreatedNetwork = Schema.Struct({ id: Schema.String, name: Schema.String })
export type CreatedNetwork = typeof CreatedNetwork.Type

/**
 * Creates: a network, tagged with the task and the stage's token (the token also in its description, set
 * in the create call itself). Undo: deletes it.
 */
export const createNetwork = CloudStage.make({
  name: "createNetwork",
  result: CreatedNetwork,
  run: Effect.fn("NetworkCreate.createNetwork")(function* (input: NetworkInput, context: StageContext) {
    const tags = neutronTags(context.taskId, context.idempotencyToken)
    const network = yield* adoptOrCreate(
      context,
      findMarked({
        tagged: Neutron.listNetworks({ tags }),
        untagged: Effect.map(Neutron.listNetworks({ name: input.name }), (found) =>
          found.filter((network) => network.description === context.idempotencyToken)
        ),
        setTags: (id) => Neutron.setNetworkTags(id, tags)
      }),
      Neutron.createNetwork({ name: input.name, description: context.idempotencyToken, tags }).pipe(
        overQuotaAs("network")
      )
    )
    const created: CreatedNetwork = { id: network.id, name: network.name }
    return created
  }),
  compensate: (network) => removeNetwork(network.id)
})
