/**
 * What both versions of `server.create` do once `resolveRequest` has planned: the keypair, then each
 * server with its boot volume, ports and floating IPs, with the cached names confirmed alongside. The
 * versions differ only in their params and in what their plan says each server boots from.
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createBootVolume } from "./blockStorage/createBootVolume.js"
import { waitVolumeAvailable } from "./blockStorage/waitVolumeAvailable.js"
import { bootServer } from "./compute/bootServer.js"
import { importKeypair } from "./compute/importKeypair.js"
import { waitServerActive } from "./compute/waitServerActive.js"
import { confirmNames } from "./confirmNames.js"
import { createServer, type ServersSpec } from "./createServer.js"
import type { CachedName } from "./names.js"
import { createFloatingIp } from "./network/createFloatingIp.js"
import { createPort } from "./network/createPort.js"
import { type Boot, type PlannedNetwork, serverNames } from "./plan.js"
import type { CreateServersRequest } from "./request.js"

/** How many servers of one request are built at the same time. */
export const serverConcurrency = 4

/** The checklist after `resolveRequest`, the same in every version. */
export const serverStages = {
  confirmNames,
  importKeypair,
  "server[]/createBootVolume": createBootVolume,
  "server[]/waitVolumeAvailable": waitVolumeAvailable,
  "server[]/network[]/createPort": createPort,
  "server[]/network[]/createFloatingIp": createFloatingIp,
  "server[]/bootServer": bootServer,
  "server[]/waitServerActive": waitServerActive
}

/** What both versions' plans say alike (their `resolveRequest` results). */
export interface PlannedServers {
  readonly flavor_id: string
  readonly networks: ReadonlyArray<PlannedNetwork>
  readonly keypair?: { readonly name: string; readonly imports: boolean } | undefined
  readonly cached_names?: ReadonlyArray<CachedName> | undefined
}

type BuildRequest = ServersSpec["request"] & Pick<CreateServersRequest, "name" | "count" | "keypair">

/** The servers of the request, as planned, each booting from `boot`. */
export const buildServers = (request: BuildRequest, plan: PlannedServers, boot: Boot) =>
  Effect.gen(function* () {
    // Opened by the first server whose ports all exist (see `createServer`).
    const portsMade = yield* Effect.makeLatch()
    const { keypair, cached_names: cachedNames } = plan
    const [, servers] = yield* Flow.parallel(
      // Alongside: names taken from the cache are confirmed once the first server's ports exist (until
      // then the look-ups would queue before the port calls); one that changed undoes what was made.
      cachedNames === undefined ? Effect.void : portsMade.whenOpen(Flow.stage(confirmNames, cachedNames)),
      Effect.gen(function* () {
        // 2. The keypair, imported when a public key was given and it is not there yet.
        const publicKey = request.keypair?.public_key
        if (keypair?.imports === true && publicKey !== undefined) {
          yield* Flow.stage(importKeypair, { name: keypair.name, publicKey })
        }
        // 3. Each server: boot volume and ports at once → boot (floating IPs alongside) → ACTIVE.
        //    All or nothing: when one fails, the runner undoes every server's completed stages.
        return yield* Flow.forEach(
          "server",
          serverNames(request.name, request.count),
          (name) =>
            createServer({
              request,
              boot,
              flavorId: plan.flavor_id,
              networks: plan.networks,
              name,
              keyName: keypair?.name,
              portsMade
            }),
          { concurrency: serverConcurrency }
        )
      })
    )
    return { servers }
  })
