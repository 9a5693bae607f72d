/**
 * The quotas a `server.create` request needs, from its plan (`resolveRequest`'s result): for each server
 * an instance, the flavor's cores and RAM, its boot volume (volumes, gigabytes), a port for each NIC
 * that is not an existing port, a floating IP for each NIC that asks for one; and a key pair when the
 * request imports one. The project's default network, when `auto` must make it, is left to Neutron.
 */
import { Nova } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { checkQuotas, type QuotaNeeds } from "../cloud/quotas.js"
import type { Plan } from "./plan.js"
import type { CreateServersRequest } from "./request.js"

/** What the servers of `plan` need of each quota, given their flavor's cores and RAM (MiB). */
export const serverNeeds = (
  request: Pick<CreateServersRequest, "count">,
  plan: Plan,
  flavor: { readonly vcpus: number; readonly ram: number }
): QuotaNeeds => {
  const count = request.count
  const newPorts = plan.networks.filter((nic) => !("existing_port" in nic && nic.existing_port !== undefined))
  const floating = plan.networks.filter((nic) => nic.floating_network_id !== undefined)
  const volumes = plan.boot._tag === "volume" ? count : 0
  return {
    instances: count,
    cores: count * flavor.vcpus,
    ram: count * flavor.ram,
    key_pairs: plan.keypair?.imports === true ? 1 : 0,
    volumes,
    gigabytes: plan.boot._tag === "volume" ? count * plan.boot.size_gb : 0,
    port: count * newPorts.length,
    floatingip: count * floating.length
  }
}

/** What would be created, per resource type (none of a type is left out). */
export const serverCreates = (needs: QuotaNeeds): Readonly<Record<string, number>> => {
  const creates: Record<string, number> = {}
  const add = (kind: string, n: number | undefined) => {
    if (n !== undefined && n > 0) creates[kind] = n
  }
  add("server", needs.instances)
  add("volume", needs.volumes)
  add("port", needs.port)
  add("floating_ip", needs.floatingip)
  add("keypair", needs.key_pairs)
  return creates
}

/**
 * The flavor's size, then the project's quotas checked against what the servers need. `volumes: false`
 * leaves Cinder's out: the first stage checked them already (`planRequest`, `volume.over_quota`).
 */
export const checkServerQuotas = Effect.fn("ServerCreate.checkQuotas")(function* (
  request: Pick<CreateServersRequest, "count">,
  plan: Plan,
  options: { readonly volumes: boolean }
) {
  const flavor = yield* Nova.getFlavor(plan.flavor_id)
  const needs = serverNeeds(request, plan, flavor)
  const check = yield* checkQuotas(options.volumes ? needs : { ...needs, volumes: 0, gigabytes: 0 })
  return { needs, check }
})
