/**
 * `server.create` version 2: the flow behind `POST /servers`. Its params are the request as the API
 * stored it. Version 2 boots from the image or from a boot volume made from a snapshot (a restore), so
 * its params and its plan (`resolveRequest`'s result) differ from version 1's; every other stage is
 * shared. Frozen: a change makes version 3 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { buildServers, serverStages } from "./buildServers.js"
import { CreateServersRequest } from "./request.js"
import { resolveRequest } from "./resolveRequest.js"
import { CreateServersResult } from "./result.js"

export const type = "server.create"

export const flow = Flow.make({
  type,
  version: 2,
  params: CreateServersRequest,
  result: CreateServersResult,
  stages: { resolveRequest, ...serverStages },
  program: (request) =>
    Effect.gen(function* () {
      // 1. Everything the request names exists (a snapshot is the caller's, available and fits);
      //    nothing is created when something is missing. Names the NameCache holds are taken from it,
      //    and looked up again while the servers are made.
      const plan = yield* Flow.stage(resolveRequest, request)
      // 2, 3. The keypair → each server from its boot volume (of the image or the snapshot) or image.
      return yield* buildServers(request, plan, plan.boot)
    })
})
