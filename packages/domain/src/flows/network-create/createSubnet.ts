import { Neutron } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import type { StageContext } from "../../engine/flow/Stage.js"
import { adoptOrCreate } from "../cloud/adopt.js"
import * as CloudStage from "../cloud/CloudStage.js"
import { neutronTags } from "../cloud/marks.js"
import { routerInterfaceOwner } from "../cloud/networkPorts.js"
import { removeRouterInterface, removeSubnet } from "../cloud/remove.js"
import { overQuotaAs } from "./errors.js"
import { findMarked } from "./findMarked.js"
import { overlappingSubnet } from "./resolveRequest.js"

export interface SubnetInput {
  readonly network_id: string
  /** `<network>-subnet` */
  readonly name: string
  readonly cidr: string
  readonly ip_version: 4 | 6
  readonly dns_nameservers: ReadonlyArray<string>
}

export const CreatedSubnet = Schema.Struct({
  id: Schema.String,
  network_id: Schema.String,
  cidr: Schema.String,
  gateway_ip: Schema.NullOr(Schema.String)
})
export type CreatedSubnet = typeof CreatedSubnet.Type

/**
 * Takes the subnet off any router it is an interface of, then deletes it (Neutron refuses to delete a
 * subnet with a router interface): an interface whose stage was cut off before its result was stored has
 * no undo of its own, and undos run in reverse completion order, which may put this one first.
 */
export const removeSubnetWithInterfaces = Effect.fn("NetworkCreate.removeSubnetWithInterfaces")(function* (
  subnet: CreatedSubnet
) {
  const ports = yield* Neutron.listPorts({ networkId: subnet.network_id, deviceOwner: routerInterfaceOwner })
  const routers = ports
    .filter((port) => port.fixedIps.some((ip) => ip.subnetId === subnet.id))
    .map((port) => port.deviceId)
  yield* Effect.forEach(routers, (routerId) => removeRouterInterface(routerId, subnet.id), { discard: true })
  yield* removeSubnet(subnet.id)
})

/**
 * Creates: the network's subnet with the CIDR (gateway: its first address, DHCP on), tagged with the
 * task and the stage's token. Undo: takes it off any router, then deletes it. When a subnet of the
 * project made before it (or in the same second) overlaps it, e.g. one another task made with the same
 * free /24, the new subnet is deleted again and the stage fails with `network.cidr_overlaps`: two
 * overlapping subnets are never both kept.
 */
export const createSubnet = CloudStage.make({
  name: "createSubnet",
  result: CreatedSubnet,
  run: Effect.fn("NetworkCreate.createSubnet")(function* (input: SubnetInput, context: StageContext) {
    const tags = neutronTags(context.taskId, context.idempotencyToken)
    const subnet = yield* adoptOrCreate(
      context,
      findMarked({
        tagged: Neutron.listSubnets({ networkId: input.network_id, tags }),
        // The network is this task's: a subnet of that name on it is this stage's.
        untagged: Neutron.listSubnets({ networkId: input.network_id, name: input.name }),
        setTags: (id) => Neutron.setSubnetTags(id, tags)
      }),
      Neutron.createSubnet({
        networkId: input.network_id,
        name: input.name,
        cidr: input.cidr,
        ipVersion: input.ip_version,
        ...(input.dns_nameservers.length === 0 ? {} : { dnsNameservers: input.dns_nameservers }),
        description: context.idempotencyToken,
        tags
      }).pipe(overQuotaAs("subnet"))
    )
    yield* overlappingSubnet(subnet.cidr, subnet).pipe(
      Effect.tapErrorTag("CidrOverlaps", () => Effect.ignore(removeSubnet(subnet.id)))
    )
    const created: CreatedSubnet = {
      id: subnet.id,
      network_id: subnet.networkId,
      cidr: subnet.cidr,
      gateway_ip: subnet.gatewayIp
    }
    return created
  }),
  compensate: (subnet) => removeSubnetWithInterfaces(subnet)
})
