import { Neutron, Session } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { automaticPool, cidrsOverlap, firstFree24 } from "../cloud/cidr.js"
import { checkQuotas } from "../cloud/quotas.js"
import { CidrOverlaps, NoFreeCidr } from "./errors.js"
import { resolveExternalNetwork } from "./externalNetwork.js"
import { networkNeeds } from "./quotaNeeds.js"

/** The request with everything it leaves open decided: what the next stages make. */
export const ResolvedNetwork = Schema.Struct({
  name: Schema.String,
  external_network_id: Schema.String,
  external_network_name: Schema.String,
  cidr: Schema.String,
  ip_version: Schema.Literal(4, 6),
  dns_nameservers: Schema.Array(Schema.String)
})
export type ResolvedNetwork = typeof ResolvedNetwork.Type

/** What a network is asked for with (`POST /networks`' body, or server.create's `network: "auto"`). */
export interface NetworkAsked {
  readonly name: string
  readonly cidr?: string | undefined
  readonly external_network?: string | undefined
  readonly dns_nameservers?: ReadonlyArray<string> | undefined
  readonly ip_version: 4 | 6
}

/** The subnets of the session's project (not those of networks shared with it). */
export const projectSubnets = Effect.gen(function* () {
  const session = yield* Session
  const authentication = yield* session.authentication
  const projectId = authentication.info.project?.id
  const subnets = yield* Neutron.listSubnets(projectId === undefined ? {} : { projectId })
  return subnets.filter((subnet) => projectId === undefined || subnet.projectId === projectId)
}).pipe(Effect.withSpan("NetworkCreate.projectSubnets"))

/** Whether subnet `a` was made strictly before `b` (Neutron's `created_at` says the second; unknown: no). */
const madeBefore = (a: { readonly createdAt: string }, b: { readonly createdAt: string }) =>
  a.createdAt !== "" && b.createdAt !== "" && a.createdAt < b.createdAt

/**
 * Fails, naming it, when a subnet of the project overlaps `cidr`. With `made`, the subnet just made with
 * that CIDR: a subnet made after it is left to fail in its own task; one made before it, or in the same
 * second, makes this one fail. So of two tasks that chose the same free CIDR at once, never both keep it.
 */
export const overlappingSubnet = Effect.fn("NetworkCreate.overlappingSubnet")(function* (
  cidr: string,
  made?: { readonly id: string; readonly createdAt: string }
) {
  const subnets = yield* projectSubnets
  const found = subnets.find(
    (subnet) =>
      subnet.id !== made?.id &&
      cidrsOverlap(subnet.cidr, cidr) &&
      (made === undefined || !madeBefore(made, subnet))
  )
  if (found === undefined) return
  return yield* new CidrOverlaps({
    cidr,
    subnet: { id: found.id, name: found.name, cidr: found.cidr }
  })
})

/**
 * Decides what the request leaves open, asked of Neutron with the caller's session: the external
 * network (see `resolveExternalNetwork`), and the CIDR: the one asked for, if no subnet of the project
 * overlaps it, or the first /24 of 10.0.0.0/8 that none overlaps. Changes nothing. The API's admission
 * asks the same before the 202; the stage asks again, since the project may have changed since.
 */
export const resolveNetwork = Effect.fn("NetworkCreate.resolveNetwork")(function* (asked: NetworkAsked) {
  const external = yield* resolveExternalNetwork(asked.external_network)
  let cidr = asked.cidr
  if (cidr === undefined) {
    const subnets = yield* projectSubnets
    cidr = firstFree24(subnets.map((subnet) => subnet.cidr))
    if (cidr === undefined) return yield* new NoFreeCidr({ pool: automaticPool })
  } else {
    yield* overlappingSubnet(cidr)
  }
  const resolved: ResolvedNetwork = {
    name: asked.name,
    external_network_id: external.id,
    external_network_name: external.name,
    cidr,
    ip_version: asked.ip_version,
    dns_nameservers: asked.dns_nameservers ?? []
  }
  return resolved
})

/**
 * Checks, before anything is made: the external network and the CIDR (see `resolveNetwork`), then
 * Neutron's quotas for the network, subnet, router and interface (`quota.exceeded`). Creates nothing.
 */
export const resolveNetworkRequest = CloudStage.make({
  name: "resolveNetworkRequest",
  result: ResolvedNetwork,
  run: Effect.fn("NetworkCreate.resolveNetworkRequest")(function* (asked: NetworkAsked) {
    const resolved = yield* resolveNetwork(asked)
    yield* checkQuotas(networkNeeds)
    return resolved
  })
})
