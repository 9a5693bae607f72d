/**
 * What both versions of `resolveRequest` look up alike: the flavor, the boot volume's type, the networks
 * with their ports, security groups and external networks, and the keypair.
 */
import { Cinder, type Glance, Neutron, Nova, type Session } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Option, Ref } from "effect"
import { contains } from "../cloud/ipAddress.js"
import { combineFailures, problem, type ResolveError } from "./errors.js"
import { type CachedName, named, resolverWith } from "./names.js"
import type { PlannedDefaultNetwork, PlannedNetwork } from "./plan.js"
import { autoNetwork, type CreateServersRequest } from "./request.js"

export type Resolve = ReturnType<typeof resolverWith>

type NetworkRequest = CreateServersRequest["networks"][number]
type KeypairRequest = NonNullable<CreateServersRequest["keypair"]>

const subnetHolding = (networkName: string, networkId: string, address: string) =>
  Effect.flatMap(Neutron.listSubnets({ networkId }), (subnets) =>
    Option.match(
      Arr.findFirst(subnets, (subnet) => contains(subnet.cidr, address)),
      {
        onNone: () => Effect.fail(problem(`no subnet of network ${networkName} holds ${address}`)),
        onSome: (subnet) => Effect.succeed({ subnet_id: subnet.id, ip_address: address })
      }
    )
  )

/** An existing port: it must exist and be free; it can serve one server only. */
const existingPort = (portId: string, count: number) =>
  Effect.gen(function* () {
    if (count > 1) return yield* problem(`port ${portId} can be attached to one server only, not ${count}`)
    const port = yield* named("port", portId, Neutron.getPort(portId))
    if (port.deviceId !== "") return yield* problem(`port ${portId} is in use by ${port.deviceId}`)
    return {
      networkId: port.networkId,
      existing: { id: port.id, fixed_ips: port.fixedIps.map((ip) => ip.ipAddress) }
    }
  })

/** A new port's security groups and the floating IP's external network, as the NIC names them. */
const resolvePortExtras = (resolve: Resolve, request: NetworkRequest) =>
  Effect.all(
    [
      Effect.forEach(request.security_groups ?? [], (name) => resolve("security group", name), {
        concurrency: "unbounded"
      }),
      request.floating_ip === undefined
        ? Effect.void
        : resolve("external network", request.floating_ip.network)
    ],
    { concurrency: "unbounded", mode: "validate" }
  ).pipe(
    Effect.mapError((errors) => combineFailures(Arr.getSomes(errors))),
    Effect.map(([securityGroupIds, floatingNetworkId]) => ({
      security_group_ids: request.security_groups === undefined ? undefined : securityGroupIds,
      floating_network_id: floatingNetworkId ?? undefined
    }))
  )

/** How a version of `resolveRequest` plans one NIC of the request. */
export type ResolveNic<N> = (
  resolve: Resolve,
  request: NetworkRequest,
  count: number
) => Effect.Effect<N, ResolveError, Neutron | Session | Glance | Nova | Cinder>

/** A NIC on a named network (by name or id) or on an existing port. */
export const resolveNetwork: ResolveNic<PlannedNetwork> = (resolve, request, count) =>
  Effect.gen(function* () {
    if (request.fixed_ip !== undefined && count > 1) {
      return yield* problem(`fixed IP ${request.fixed_ip} can be given to one server only, not ${count}`)
    }
    const networkName = request.network ?? ""
    const [network, extras] = yield* Effect.all(
      [
        request.port === undefined
          ? Effect.map(resolve("network", networkName), (networkId) => ({ networkId, existing: undefined }))
          : existingPort(request.port, count),
        resolvePortExtras(resolve, request)
      ],
      { concurrency: "unbounded", mode: "validate" }
    ).pipe(Effect.mapError((errors) => combineFailures(Arr.getSomes(errors))))
    const planned: PlannedNetwork = {
      network_id: network.networkId,
      existing_port: network.existing,
      fixed_ip:
        request.fixed_ip === undefined
          ? undefined
          : yield* subnetHolding(networkName, network.networkId, request.fixed_ip),
      ...extras
    }
    return planned
  })

/**
 * Version 3's: `network: "auto"` is a NIC on the project's default network, found or made by the flow
 * once everything else is known to exist; any other NIC as `resolveNetwork` plans it.
 */
export const resolveNetworkOrDefault: ResolveNic<PlannedNetwork | PlannedDefaultNetwork> = (
  resolve,
  request,
  count
) =>
  request.network === autoNetwork
    ? Effect.map(
        resolvePortExtras(resolve, request),
        (extras): PlannedDefaultNetwork => ({ default_network: true, ...extras })
      )
    : resolveNetwork(resolve, request, count)

/** `ssh-ed25519 AAAA… comment`: the same key whatever the comment. */
const sameKey = (a: string, b: string): boolean =>
  a.trim().split(/\s+/).slice(0, 2).join(" ") === b.trim().split(/\s+/).slice(0, 2).join(" ")

/** A named keypair must exist; a keypair with a public key is imported unless the same key is there. */
const resolveKeypair = (request: KeypairRequest) =>
  Nova.getKeypair(request.name).pipe(
    Effect.map(Option.some),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone),
    Effect.flatMap((existing) => {
      const publicKey = request.public_key
      if (Option.isNone(existing)) {
        return publicKey === undefined
          ? Effect.fail(problem(`keypair ${request.name} not found`))
          : Effect.succeed({ name: request.name, imports: true })
      }
      return publicKey === undefined || sameKey(existing.value.publicKey, publicKey)
        ? Effect.succeed({ name: request.name, imports: false })
        : Effect.fail(problem(`keypair ${request.name} exists with a different public key`))
    })
  )

/** The parts of a request (of either version) that `resolveParts` looks up. */
export interface PartsRequest {
  readonly flavor: string
  readonly count: number
  readonly networks: CreateServersRequest["networks"]
  readonly keypair?: KeypairRequest | undefined
  readonly boot_volume?: { readonly volume_type?: string | undefined } | undefined
}

/** Every look-up at once, with each NIC planned by `resolveNic`; every problem found, not only the first. */
export const resolvePartsWith = <N>(request: PartsRequest, resolve: Resolve, resolveNic: ResolveNic<N>) => {
  const volumeType = request.boot_volume?.volume_type
  return Effect.all(
    {
      flavorId: resolve("flavor", request.flavor),
      volumeTypeId: volumeType === undefined ? Effect.succeed(undefined) : resolve("volume type", volumeType),
      networks: Effect.validateAll(
        request.networks,
        (network) => resolveNic(resolve, network, request.count),
        {
          concurrency: "unbounded"
        }
      ).pipe(Effect.mapError(combineFailures)),
      keypair: request.keypair === undefined ? Effect.succeed(undefined) : resolveKeypair(request.keypair),
      // Agree on Cinder's microversion now, while we wait anyway, rather than before the first volume.
      cinder: request.boot_volume === undefined ? Effect.void : Cinder.microversion
    },
    { concurrency: "unbounded", mode: "validate" }
  ).pipe(Effect.mapError((errors) => combineFailures(Arr.getSomes(Object.values(errors)))))
}

/** Versions 1 and 2's look-ups: every NIC on a named network or an existing port. */
export const resolveParts = (request: PartsRequest, resolve: Resolve) =>
  resolvePartsWith(request, resolve, resolveNetwork)

/**
 * Runs the look-ups with a resolver that takes names the NameCache holds from it, and says which names
 * those were (for `confirmNames` to check while the servers are made).
 */
export const resolvingNames = <A, E, R>(lookUps: (resolve: Resolve) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const hits = yield* Ref.make<ReadonlyArray<CachedName>>([])
    const found = yield* lookUps(resolverWith(hits))
    const cached = yield* Ref.get(hits)
    return { found, cachedNames: Arr.isNonEmptyReadonlyArray(cached) ? cached : undefined }
  })
