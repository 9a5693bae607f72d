import { Neutron, type OpenStackError, type Session } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Schema } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { contains } from "../cloud/ipAddress.js"
import { checkQuotas, type QuotaExceeded } from "../cloud/quotas.js"
import { usableServer } from "../cloud/servers.js"
import { InterfaceRequestUnresolved } from "./errors.js"
import type { AttachInterfaceRequest } from "./request.js"

export const NewPort = Schema.TaggedStruct("new", {
  name: Schema.String,
  network_id: Schema.String,
  fixed_ip: Schema.optional(Schema.Struct({ subnet_id: Schema.String, ip_address: Schema.String })),
  security_group_ids: Schema.optional(Schema.Array(Schema.String))
})
export type NewPort = typeof NewPort.Type

/** What `checkRequest` found: the server, the port to make or the one to attach, the floating IP's network. */
export const InterfacePlan = Schema.Struct({
  server_id: Schema.String,
  port: Schema.Union(Schema.TaggedStruct("existing", { id: Schema.String }), NewPort),
  floating_network_id: Schema.optional(Schema.String)
})
export type InterfacePlan = typeof InterfacePlan.Type

type Failure = InterfaceRequestUnresolved | OpenStackError

/** What the request would make of Neutron's quotas: a port unless an existing one is given, a floating IP if asked. */
export const interfaceNeeds = (request: AttachInterfaceRequest) => ({
  port: request.port === undefined ? 1 : 0,
  floatingip: request.floating_ip === undefined ? 0 : 1
})

const problem = (text: string) => new InterfaceRequestUnresolved({ problems: [text] })

const named = <A, R>(what: string, name: string, find: Effect.Effect<A, OpenStackError, R>) =>
  find.pipe(
    Effect.catchTags({
      OpenStackNotFound: () => Effect.fail(problem(`${what} ${name} not found`)),
      OpenStackConflict: (error) => Effect.fail(problem(`${what} ${name}: ${error.message}`))
    })
  )

/** Several look-ups' failures as one: a cloud failure, or all the problems found. */
const combine = (errors: ReadonlyArray<Failure>): Failure =>
  errors.find((e) => !(e instanceof InterfaceRequestUnresolved)) ??
  new InterfaceRequestUnresolved({
    problems: errors.flatMap((e) => (e instanceof InterfaceRequestUnresolved ? e.problems : []))
  })

const freePort = (id: string) =>
  Effect.flatMap(named("port", id, Neutron.getPort(id)), (port) =>
    port.deviceId === ""
      ? Effect.succeed(port.id)
      : Effect.fail(problem(`port ${id} is in use by ${port.deviceId}`))
  )

const subnetHolding = (networkId: string, address: string) =>
  Effect.flatMap(Neutron.listSubnets({ networkId }), (subnets) => {
    const subnet = subnets.find((s) => contains(s.cidr, address))
    return subnet === undefined
      ? Effect.fail(problem(`no subnet of the network holds ${address}`))
      : Effect.succeed({ subnet_id: subnet.id, ip_address: address })
  })

const externalNetwork = (name: string) =>
  Effect.flatMap(named("network", name, Neutron.findNetwork(name)), (network) =>
    network.external
      ? Effect.succeed(network.id)
      : Effect.fail(problem(`network ${name} is not external: floating IPs come from an external network`))
  )

const optional = <A, E, R>(value: string | undefined, f: (value: string) => Effect.Effect<A, E, R>) =>
  value === undefined ? Effect.succeed(undefined) : f(value)

/**
 * The server is the caller's and ACTIVE or SHUTOFF; the existing port is the caller's and free, or the new
 * port's network, address and security groups exist; the floating IP's network is external (every
 * problem at once); then Neutron's port and floatingip quotas have room for what it makes
 * (`quota.exceeded`). Creates nothing. `portSuffix` ends a new port's name.
 */
export const resolveInterface = Effect.fn("ServerInterfaceAttach.resolveInterface")(function* (
  request: AttachInterfaceRequest,
  portSuffix: string
) {
  const server = yield* usableServer(request.server_id)
  const portOf = (): Effect.Effect<InterfacePlan["port"], Failure, Neutron | Session> => {
    if (request.port !== undefined)
      return Effect.map(freePort(request.port), (id) => ({ _tag: "existing", id }))
    const networkName = request.network ?? ""
    return Effect.gen(function* () {
      const network = yield* named("network", networkName, Neutron.findNetwork(networkName))
      const [fixedIp, groups] = yield* Effect.all(
        [
          optional(request.fixed_ip, (address) => subnetHolding(network.id, address)),
          Effect.validateAll(request.security_groups ?? [], (name) =>
            Effect.map(named("security group", name, Neutron.findSecurityGroup(name)), (g) => g.id)
          ).pipe(Effect.mapError(combine))
        ],
        { concurrency: "unbounded", mode: "validate" }
      ).pipe(Effect.mapError((errors) => combine(Arr.getSomes(errors))))
      const made: NewPort = {
        _tag: "new",
        name: `${server.name}-port-${portSuffix}`,
        network_id: network.id,
        fixed_ip: fixedIp,
        security_group_ids: request.security_groups === undefined ? undefined : groups
      }
      return made
    })
  }
  const [port, floatingNetworkId] = yield* Effect.all(
    [portOf(), optional(request.floating_ip?.network, externalNetwork)],
    { concurrency: "unbounded", mode: "validate" }
  ).pipe(Effect.mapError((errors) => combine(Arr.getSomes(errors))))
  const plan: InterfacePlan = { server_id: server.id, port, floating_network_id: floatingNetworkId }
  const check = yield* checkQuotas(interfaceNeeds(request))
  return { plan, check }
})

/** The stage's failures: the request's problems, the quota, the cloud. */
export type ResolveInterfaceError = Failure | QuotaExceeded

/** Checks, before anything is made, what `resolveInterface` checks. Creates nothing. */
export const checkRequest = CloudStage.make({
  name: "checkRequest",
  result: InterfacePlan,
  run: Effect.fn("ServerInterfaceAttach.checkRequest")(function* (
    request: AttachInterfaceRequest,
    context: StageContext
  ) {
    const { plan } = yield* resolveInterface(request, context.taskId.slice(0, 8))
    return plan
  })
})
