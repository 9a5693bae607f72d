/**
 * The project's quotas through the real client calls, asserted the same way on the cloud double and on
 * the dev cloud: Nova's limits (instances, cores, RAM, key pairs) and the user's keypairs counted from
 * the list (Nova's limits leave their use out), Cinder's limits, Neutron's quota details. The limits are
 * the dev cloud's (`devCloudQuota`, which the double takes); what is used is whatever the project holds.
 */
import { expect } from "@effect/vitest"
import { Cinder, Neutron, Nova, type OpenStackError, type Session } from "@enamel/openstack-clients"
import { devCloudQuota } from "@enamel/openstack-clients/testing"
import { Effect, type Scope } from "effect"
import { scopedKeypair } from "./resources.js"

export const quotaReadings = (
  name: string
): Effect.Effect<void, OpenStackError, Nova | Cinder | Neutron | Session | Scope.Scope> =>
  Effect.gen(function* () {
    const compute = yield* Nova.getComputeLimits()
    expect(compute).toMatchObject({
      maxTotalInstances: devCloudQuota.instances,
      maxTotalCores: devCloudQuota.cores,
      maxTotalRAMSize: devCloudQuota.ram,
      maxTotalKeypairs: devCloudQuota.keyPairs
    })
    for (const used of [compute.totalInstancesUsed, compute.totalCoresUsed, compute.totalRAMUsed]) {
      expect(used).toBeGreaterThanOrEqual(0)
    }

    // Key pairs are the user's: counted from the list, which holds a new one at once.
    yield* scopedKeypair(name)
    expect(yield* Nova.listKeypairNames()).toContain(name)

    const volume = yield* Cinder.getLimits()
    expect(volume).toMatchObject({
      maxTotalVolumes: devCloudQuota.volumes,
      maxTotalVolumeGigabytes: devCloudQuota.gigabytes,
      maxTotalSnapshots: devCloudQuota.snapshots
    })

    const network = yield* Neutron.getNetworkQuotas()
    expect({
      port: network.port?.limit,
      floatingip: network.floatingip?.limit,
      network: network.network?.limit,
      subnet: network.subnet?.limit,
      router: network.router?.limit
    }).toEqual({
      port: devCloudQuota.ports,
      floatingip: devCloudQuota.floatingIps,
      network: devCloudQuota.networks,
      subnet: devCloudQuota.subnets,
      router: devCloudQuota.routers
    })
    // The project's own security group (its `default`) counts; so does its network, if it has one.
    expect(network.security_group?.used).toBeGreaterThanOrEqual(1)
    expect(network.port?.used).toBeGreaterThanOrEqual(0)
  })
