/**
 * `server.create` version 1: the flow behind `POST /servers`. Its params are the request as the API
 * stored it. Frozen: a change makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createBootVolume } from "./blockStorage/createBootVolume.js"
import { waitVolumeAvailable } from "./blockStorage/waitVolumeAvailable.js"
import { bootServer } from "./compute/bootServer.js"
import { importKeypair } from "./compute/importKeypair.js"
import { waitServerActive } from "./compute/waitServerActive.js"
import { confirmNames } from "./confirmNames.js"
import { createServer } from "./createServer.js"
import { createFloatingIp } from "./network/createFloatingIp.js"
import { createPort } from "./network/createPort.js"
import { serverNames } from "./plan.js"
import { CreateServersRequest } from "./request.js"
import { resolveRequest } from "./resolveRequest.js"
import { CreateServersResult } from "./result.js"

export const type = "server.create"

/** How many servers of one request are built at the same time. */
export const serverConcurrency = 4

export const flow = Flow.make({
  type,
  version: 1,
  params: CreateServersRequest,
  result: CreateServersResult,
  stages: {
    resolveRequest,
    confirmNames,
    importKeypair,
    "server[]/createBootVolume": createBootVolume,
    "server[]/waitVolumeAvailable": waitVolumeAvailable,
    "server[]/network[]/createPort": createPort,
    "server[]/network[]/createFloatingIp": createFloatingIp,
    "server[]/bootServer": bootServer,
    "server[]/waitServerActive": waitServerActive
  },
  program: (request) =>
    Effect.gen(function* () {
      // 1. Everything the request names exists; nothing is created when something is missing. Names the
      //    NameCache holds are taken from it, and looked up again while the servers are made.
      const plan = yield* Flow.stage(resolveRequest, request)
      const cachedNames = plan.cached_names
      // Opened by the first server whose ports all exist (see `createServer`).
      const portsMade = yield* Effect.makeLatch()
      const [, servers] = yield* Flow.parallel(
        // Alongside: names taken from the cache are confirmed once the first server's ports exist (until
        // then the look-ups would queue before the port calls); one that changed undoes what was made.
        cachedNames === undefined ? Effect.void : portsMade.whenOpen(Flow.stage(confirmNames, cachedNames)),
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
