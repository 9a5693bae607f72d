/**
 * `server.create`: the flow behind `POST /servers`. Its params are the request as the API stored it.
 */
import { Effect } from "effect"
import { CreateServersRequest } from "../../api/servers.js"
import * as Flow from "../../flow/Flow.js"
import { importKeypair } from "./compute/importKeypair.js"
import { createServer } from "./createServer.js"
import { serverNames } from "./plan.js"
import { resolveRequest } from "./resolveRequest.js"
import { CreateServersResult } from "./result.js"

export { ServerCreateErrorCode, UnresolvedRequest } from "./errors.js"
export { Plan } from "./plan.js"
export { CreatedServer, CreateServersResult } from "./result.js"

export const type = "server.create"

/** How many servers of one request are built at the same time. */
export const serverConcurrency = 4

export const flow = Flow.make({
  type,
  params: CreateServersRequest,
  result: CreateServersResult,
  program: (request) =>
    Effect.gen(function* () {
      // 1. Everything the request names exists; nothing is created when something is missing.
      const plan = yield* Flow.stage(resolveRequest, request)
      // 2. The keypair, imported when a public key was given and it is not there yet.
      const keypair = plan.keypair
      const publicKey = request.keypair?.public_key
      if (keypair?.imports === true && publicKey !== undefined) {
        yield* Flow.stage(importKeypair, { name: keypair.name, publicKey })
      }
      // 3. Each server: boot volume and ports at once → boot (floating IPs alongside) → ACTIVE.
      //    All or nothing: when one fails, the runner undoes every server's completed stages.
      const servers = yield* Flow.forEach(
        "server",
        serverNames(request.name, request.count),
        (name) => createServer({ name, request, plan, keyName: keypair?.name }),
        { concurrency: serverConcurrency }
      )
      return { servers }
    })
})
