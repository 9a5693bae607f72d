import { Effect } from "effect"
import { makeServiceApi } from "../http/ServiceApi.js"
import { makeFloatingIpOperations } from "./floatingIps.js"
import { makeNetworkOperations } from "./networks.js"
import { makePortOperations } from "./ports.js"
import { makeQuotaOperations } from "./quotas.js"
import { neutron } from "./resources.js"
import { makeRouterOperations } from "./routers.js"
import { makeSecurityGroupOperations } from "./securityGroups.js"

/** Neutron v2.0: networks and subnets, routers, ports, security groups, floating IPs, the project's quotas. */
export class Neutron extends Effect.Service<Neutron>()("@enamel/openstack-clients/Neutron", {
  accessors: true,
  effect: Effect.gen(function* () {
    const api = yield* makeServiceApi({ name: neutron, type: "network", pathPrefix: "v2.0" })
    return {
      ...makeNetworkOperations(api),
      ...makePortOperations(api),
      ...makeRouterOperations(api),
      ...makeSecurityGroupOperations(api),
      ...makeFloatingIpOperations(api),
      ...makeQuotaOperations(api)
    }
  })
}) {}
