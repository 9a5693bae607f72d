/** What `network.create` refuses, or fails with, in its own words (each with its catalogue code). */
import type { OpenStackError } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class ExternalNetworkNotFound extends Schema.TaggedError<ExternalNetworkNotFound>()(
  "ExternalNetworkNotFound",
  { externalNetwork: Schema.String, fromSetting: Schema.Boolean },
  { description: "The external network named does not exist, or the project cannot see it" }
) {
  readonly code = ErrorCode.networkExternalNotFound
  override get message(): string {
    const named = this.fromSetting ? " (named by ENAMEL_DEFAULT_EXTERNAL_NETWORK)" : ""
    return `external network ${this.externalNetwork}${named} not found`
  }
}

export class NetworkNotExternal extends Schema.TaggedError<NetworkNotExternal>()(
  "NetworkNotExternal",
  { externalNetwork: Schema.String, networkId: Schema.String },
  { description: "The network named as external network is not one (router:external is false)" }
) {
  readonly code = ErrorCode.networkNotExternal
  override get message(): string {
    return `network ${this.externalNetwork} (${this.networkId}) is not an external network: a router's gateway needs one`
  }
}

export class ExternalNetworkUnresolved extends Schema.TaggedError<ExternalNetworkUnresolved>()(
  "ExternalNetworkUnresolved",
  {
    candidates: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String })),
    /** The name asked for, when several external networks have it. */
    named: Schema.optional(Schema.String)
  },
  {
    description:
      "No external network was named and the project sees none or several, or the name is several's"
  }
) {
  readonly code = ErrorCode.networkExternalUnresolved
  override get message(): string {
    const names = this.candidates.map((network) => `${network.name} (${network.id})`).join(", ")
    if (this.named !== undefined) {
      return `several external networks are named ${this.named}, ${names}: give the id of one`
    }
    if (this.candidates.length === 0) {
      return "the project sees no external network for the router's gateway; the operator must provide one"
    }
    return `the project sees several external networks, ${names}: name one with external_network (or the operator with ENAMEL_DEFAULT_EXTERNAL_NETWORK)`
  }
}

export class CidrOverlaps extends Schema.TaggedError<CidrOverlaps>()(
  "CidrOverlaps",
  {
    cidr: Schema.String,
    subnet: Schema.Struct({ id: Schema.String, name: Schema.String, cidr: Schema.String })
  },
  { description: "The CIDR asked for overlaps a subnet of the project" }
) {
  readonly code = ErrorCode.networkCidrOverlaps
  override get message(): string {
    const { subnet } = this
    return `${this.cidr} overlaps subnet ${subnet.name === "" ? subnet.id : `${subnet.name} (${subnet.id})`}, ${subnet.cidr}, of the project: choose another cidr, or leave it out`
  }
}

export class NoFreeCidr extends Schema.TaggedError<NoFreeCidr>()(
  "NoFreeCidr",
  { pool: Schema.String },
  { description: "Every /24 of the automatic pool overlaps a subnet of the project" }
) {
  readonly code = ErrorCode.networkNoFreeCidr
  override get message(): string {
    return `every /24 of ${this.pool} overlaps a subnet of the project: give a cidr`
  }
}

export class NetworkOverQuota extends Schema.TaggedError<NetworkOverQuota>()(
  "NetworkOverQuota",
  { resource: Schema.Literal("network", "subnet", "router"), detail: Schema.String },
  { description: "Neutron's quota of the project has no room for one more network, subnet or router" }
) {
  readonly code = ErrorCode.networkOverQuota
  override get message(): string {
    return `the project's Neutron quota allows no more ${this.resource}s (${this.detail}); nothing was left behind`
  }
}

export class ExternalNetworkFull extends Schema.TaggedError<ExternalNetworkFull>()(
  "ExternalNetworkFull",
  { externalNetworkId: Schema.String, detail: Schema.String },
  { description: "The external network has no free address for the router's gateway" }
) {
  readonly code = ErrorCode.networkExternalFull
  override get message(): string {
    return `external network ${this.externalNetworkId} has no free address for the router's gateway (${this.detail}); nothing was left behind`
  }
}

/** Neutron's quota refusal of a create, in the task's words (`network.over_quota`, naming the resource). */
export const overQuotaAs =
  (resource: NetworkOverQuota["resource"]) =>
  <A, R>(create: Effect.Effect<A, OpenStackError, R>) =>
    Effect.catchTag(create, "OpenStackOverQuota", (error) =>
      Effect.fail(new NetworkOverQuota({ resource, detail: error.message }))
    )
