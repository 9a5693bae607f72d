import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { checkQuotas } from "../cloud/quotas.js"
import { usableServer } from "../cloud/servers.js"
import { choosePort } from "./choosePort.js"
import { FloatingIpRequestUnresolved } from "./errors.js"
import type { AttachFloatingIpRequest } from "./request.js"

export const FloatingIpPlan = Schema.Struct({
  server_id: Schema.String,
  port_id: Schema.String,
  /** The external network to allocate from. */
  network_id: Schema.String
})
export type FloatingIpPlan = typeof FloatingIpPlan.Type

const problem = (text: string) => new FloatingIpRequestUnresolved({ problems: [text] })

const externalNetwork = (name: string) =>
  Neutron.findNetwork(name).pipe(
    Effect.catchTags({
      OpenStackNotFound: () => Effect.fail(problem(`network ${name} not found`)),
      OpenStackConflict: (error) => Effect.fail(problem(`network ${name}: ${error.message}`))
    }),
    Effect.flatMap((network) =>
      network.external
        ? Effect.succeed(network.id)
        : Effect.fail(problem(`network ${name} is not external: floating IPs come from an external network`))
    )
  )

/** What the request would make: one floating IP (Neutron's `floatingip` quota). */
export const floatingIpNeeds = { floatingip: 1 } as const

/**
 * The server is the caller's and ACTIVE or SHUTOFF, the network is external, which of the server's ports
 * the floating IP goes on, and Neutron's floatingip quota has room (`quota.exceeded`). Creates nothing.
 */
export const resolveAttach = Effect.fn("ServerFloatingIpAttach.resolveAttach")(function* (
  request: AttachFloatingIpRequest
) {
  const server = yield* usableServer(request.server_id)
  const [networkId, port] = yield* Effect.all(
    [externalNetwork(request.network), choosePort(server.id, request.port)],
    { concurrency: "unbounded" }
  )
  const check = yield* checkQuotas(floatingIpNeeds)
  const plan: FloatingIpPlan = { server_id: server.id, port_id: port.id, network_id: networkId }
  return { plan, check }
})

/**
 * Checks, before anything is made: the server is the caller's and ACTIVE or SHUTOFF, the network is
 * external, which of the server's ports the floating IP goes on, and the floatingip quota (see
 * `resolveAttach`). Creates nothing.
 */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: FloatingIpPlan,
  run: Effect.fn("ServerFloatingIpAttach.checkRequest")(function* (request: AttachFloatingIpRequest) {
    const { plan } = yield* resolveAttach(request)
    return plan
  })
})
