/**
 * `server.floating_ip.attach` version 1: the flow behind `POST /servers/{id}/floating-ips`. Frozen once
 * released: a change makes version 2 beside it (see the package README).
 */
import { Effect } from "effect"
import * as Flow from "../../engine/flow/Flow.js"
import { createFloatingIp } from "../cloud/createAttachedFloatingIp.js"
import { checkRequest } from "./checkRequest.js"
import { AttachFloatingIpRequest, AttachFloatingIpResult, type } from "./request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: AttachFloatingIpRequest,
  result: AttachFloatingIpResult,
  stages: { checkRequest, createFloatingIp },
  program: (request) =>
    Effect.gen(function* () {
      // 1. The server is the caller's and running or stopped; the network is external; the port is chosen.
      const plan = yield* Flow.stage(checkRequest, request)
      // 2. A floating IP from the network, on that port.
      return yield* Flow.stage(createFloatingIp, plan)
    })
})
