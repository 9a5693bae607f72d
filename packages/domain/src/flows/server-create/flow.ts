/**
 * `server.create` version 3: the flow behind `POST /servers`. Its params are the request as the API
 * stored it. Version 3 puts a NIC with `network: "auto"` on the project's default network, found ready
 * or made by this task (network, subnet, router, interface; `defaultNetwork/`), so its params' meaning,
 * its plan (`resolveRequest`'s result) and its checklist differ from version 2's; every other stage is
 * shared. Frozen: a change makes version 4 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { buildServers, serverStages } from "./buildServers.js"
import { defaultNetworkStages, withDefaultNetwork } from "./defaultNetwork/defaultNetwork.js"
import { CreateServersRequest } from "./request.js"
import { resolveRequest } from "./resolveRequest.js"
import { CreateServersResult } from "./result.js"

export const type = "server.create"

export const flow = Flow.make({
  type,
  version: 3,
  params: CreateServersRequest,
  result: CreateServersResult,
  stages: { resolveRequest, ...defaultNetworkStages, ...serverStages },
  program: (request) =>
    Effect.gen(function* () {
      // 1. Everything the request names exists (a snapshot is the caller's, available and fits);
      //    nothing is created when something is missing. Names the NameCache holds are taken from it,
      //    and looked up again while the servers are made.
      const plan = yield* Flow.stage(resolveRequest, request)
      // 2. When a NIC asks for "auto": the project's default network, found ready, or claimed and made
      //    by this task (one network however many NICs and servers ask for it).
      const networks = yield* withDefaultNetwork(plan.networks)
      // 3, 4. The keypair → each server from its boot volume (of the image or the snapshot) or image.
      return yield* buildServers(request, { ...plan, networks }, plan.boot)
    })
})
