import { Schema } from "effect"
import { CachedName } from "./names.js"

/** One network attachment of each server, with everything named in the request resolved to ids. */
export const PlannedNetwork = Schema.Struct({
  network_id: Schema.String,
  /** An existing port of the user's: attached as it is, never deleted by Enamel. */
  existing_port: Schema.optional(
    Schema.Struct({ id: Schema.String, fixed_ips: Schema.Array(Schema.String) })
  ),
  /** For a new port: the address asked for, and the subnet it lies in. */
  fixed_ip: Schema.optional(Schema.Struct({ subnet_id: Schema.String, ip_address: Schema.String })),
  /** For a new port: its security groups (the project's default when absent). */
  security_group_ids: Schema.optional(Schema.Array(Schema.String)),
  /** The external network to take a floating IP from, if one was asked for. */
  floating_network_id: Schema.optional(Schema.String)
})
export type PlannedNetwork = typeof PlannedNetwork.Type

/** What a boot volume is made from: the image, or (a restore) a snapshot. */
export const BootVolumeSource = Schema.Union(
  Schema.TaggedStruct("image", { image_id: Schema.String }),
  Schema.TaggedStruct("snapshot", { snapshot_id: Schema.String })
)
export type BootVolumeSource = typeof BootVolumeSource.Type

/** What each server boots from: the image on its host's disk, or a new volume. */
export const Boot = Schema.Union(
  Schema.TaggedStruct("image", { image_id: Schema.String }),
  Schema.TaggedStruct("volume", {
    source: BootVolumeSource,
    /** The size asked for, or the snapshot's when none was. */
    size_gb: Schema.Number,
    volume_type_id: Schema.optional(Schema.String),
    delete_on_termination: Schema.Boolean
  })
)
export type Boot = typeof Boot.Type

/**
 * A NIC on the project's default network (`network: "auto"`): its id is known only once the flow has
 * found or made that network (`defaultNetwork/`), so the plan keeps what else the NIC needs.
 */
export const PlannedDefaultNetwork = Schema.Struct({
  default_network: Schema.Literal(true),
  security_group_ids: Schema.optional(Schema.Array(Schema.String)),
  floating_network_id: Schema.optional(Schema.String)
})
export type PlannedDefaultNetwork = typeof PlannedDefaultNetwork.Type

/** The fields of the plans of versions 2 and later, with the NICs each version plans. */
export const planFields = <N extends Schema.Schema.AnyNoContext>(network: N) => ({
  boot: Boot,
  flavor_id: Schema.String,
  networks: Schema.Array(network),
  /** `imports`: the key is to be imported (and removed again on failure); else it exists already. */
  keypair: Schema.optional(Schema.Struct({ name: Schema.String, imports: Schema.Boolean })),
  /** The names whose ids came from the NameCache, to be confirmed while the servers are made. */
  cached_names: Schema.optional(Schema.Array(CachedName))
})

/**
 * What version 3's `resolveRequest` found: the request's names as ids, what the servers boot from, and
 * which NICs go on the project's default network. Stored as the stage's result, so a resumed run builds
 * exactly what the first run planned even if names change meanwhile.
 */
export const Plan = Schema.Struct(planFields(Schema.Union(PlannedNetwork, PlannedDefaultNetwork)))
export type Plan = typeof Plan.Type

/** `<name>` for one server, `<name>-1` … `<name>-N` for several. */
export const serverNames = (name: string, count: number): ReadonlyArray<string> =>
  count === 1 ? [name] : Array.from({ length: count }, (_, index) => `${name}-${index + 1}`)
