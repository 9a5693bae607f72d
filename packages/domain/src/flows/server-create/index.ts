/**
 * `server.create`: the flow behind `POST /servers`. Its params are the request as the API stored it.
 */
import { Deferred, Effect } from "effect"
import { CreateServersRequest } from "../../api/servers.js"
import * as Flow from "../../flow/Flow.js"
import { importKeypair } from "./compute/importKeypair.js"
import { confirmNames } from "./confirmNames.js"
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
      // 1. Everything the request names exists; nothing is created when something is missing. Names the
      //    NameCache holds are taken from it, and looked up again while the servers are made.
      const plan = yield* Flow.stage(resolveRequest, request)
      const cachedNames = plan.cached_names
      const portsMade = yield* Deferred.make<void>()
      const [, servers] = yield* Flow.parallel(
        // Names taken from the cache are confirmed alongside, once the first server's ports exist (until
        // then the look-ups would queue before the port calls); one that changed undoes what was made.
        Effect.gen(function* () {
          if (cachedNames === undefined) return
          yield* Deferred.await(portsMade)
          yield* Flow.stage(confirmNames, cachedNames)
        }),
        Effect.gen(function* () {
          // 2. The keypair, imported when a public key was given and it is not there yet.
          const keypair = plan.keypair
          const publicKey = request.keypair?.public_key
          if (keypair?.imports === true && publicKey !== undefined) {
            yield* Flow.stage(importKeypair, { name: keypair.name, publicKey })
          }
          // 3. Each server: boot volume and ports at once → boot (floating IPs alongside) → ACTIVE.
          //    All or nothing: when one fails, the runner undoes every server's completed stages.
          return yield* Flow.forEach(
            "server",
            serverNames(request.name, request.count),
            (name) => createServer({ name, request, plan, keyName: keypair?.name, portsMade }),
            { concurrency: serverConcurrency }
          )
        })
      )
      return { servers }
    })
})
