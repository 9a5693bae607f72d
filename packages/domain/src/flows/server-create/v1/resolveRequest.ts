import { Array as Arr, Effect } from "effect"
import * as CloudStage from "../../cloud/CloudStage.js"
import { combineFailures } from "../errors.js"
import type { CreateServersRequestV1 } from "../request.js"
import { resolveParts, resolvingNames } from "../resolveParts.js"
import { Plan } from "./plan.js"

/**
 * Version 1's: resolves everything the request names (image, flavor, volume type, networks, ports,
 * security groups, external networks, keypair) and fails with every problem at once, before anything is
 * created. Names the NameCache holds are taken from it and listed in the plan, for `confirmNames` to
 * check while the servers are being made (ports and keypairs, whose state matters, are always asked for).
 */
export const resolveRequest = CloudStage.make({
  name: "resolveRequest",
  result: Plan,
  run: Effect.fn("ServerCreate.v1.resolveRequest")(function* (request: CreateServersRequestV1) {
    const { found, cachedNames } = yield* resolvingNames((resolve) =>
      Effect.all(
        { imageId: resolve("image", request.image), parts: resolveParts(request, resolve) },
        { concurrency: "unbounded", mode: "validate" }
      ).pipe(Effect.mapError((errors) => combineFailures(Arr.getSomes(Object.values(errors)))))
    )
    const plan: Plan = {
      image_id: found.imageId,
      flavor_id: found.parts.flavorId,
      volume_type_id: found.parts.volumeTypeId,
      networks: found.parts.networks,
      keypair: found.parts.keypair,
      cached_names: cachedNames
    }
    return plan
  })
})
