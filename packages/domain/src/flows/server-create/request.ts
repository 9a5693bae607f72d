import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { storable, Text } from "../../contract/text.js"
import { isAddress } from "../cloud/ipAddress.js"

/** A name or a UUID of a cloud resource, as the cloud's own APIs accept it. */
const NameOrId = Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255)).annotations({
  description: "name or id"
})

/**
 * An address that cannot be one is refused here (400), not by Neutron once the task runs. The pattern is
 * what version 1 of the flow stored in its shape; the filter is the real check.
 */
const IpAddress = Schema.String.pipe(
  Schema.pattern(/^((\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/),
  Schema.filter(isAddress),
  Schema.annotations({ title: "an IPv4 or IPv6 address" })
)

const SizeGb = Schema.Int.pipe(Schema.between(1, 16384))
const deleteOnTermination = Schema.optionalWith(Schema.Boolean, { default: () => true })

/** Version 1's boot volume: always from the image. */
export const BootVolumeRequestV1 = Schema.Struct({
  size_gb: SizeGb,
  volume_type: Schema.optional(NameOrId),
  delete_on_termination: deleteOnTermination
})

/**
 * A boot volume from the image, or (a restore) from a snapshot of the caller's, such as a backup's:
 * then `size_gb` may be left out and is the snapshot's size.
 */
export const BootVolumeRequest = Schema.Struct({
  size_gb: Schema.optional(SizeGb),
  snapshot: Schema.optional(
    Schema.UUID.annotations({
      description: "make the boot volume from this snapshot (id), not from the image"
    })
  ),
  volume_type: Schema.optional(NameOrId),
  delete_on_termination: deleteOnTermination
}).pipe(
  Schema.filter(
    (v) =>
      v.size_gb !== undefined ||
      v.snapshot !== undefined || { path: ["size_gb"], message: "is required (or snapshot)" }
  )
)

/**
 * What `network` means in a request of version 3 and later, beside a network's name or id: the
 * project's default network, made the first time it is asked for and reused afterwards (see
 * `defaultNetwork/`). A network literally named "auto" is given by its id.
 */
export const autoNetwork = "auto"

/** A server's NIC: a new port on a network, or an existing port. */
const networkRequestWith = (network: typeof NameOrId) =>
  Schema.Struct({
    network: Schema.optional(network),
    port: Schema.optional(Schema.UUID),
    fixed_ip: Schema.optional(IpAddress),
    security_groups: Schema.optional(Schema.Array(NameOrId).pipe(Schema.maxItems(16))),
    floating_ip: Schema.optional(Schema.Struct({ network: NameOrId }))
  }).pipe(
    Schema.filter(
      (n) =>
        (n.network === undefined) !== (n.port === undefined) || "must give exactly one of network or port"
    ),
    Schema.filter(
      (n) =>
        n.port === undefined ||
        (n.fixed_ip === undefined && n.security_groups === undefined) ||
        "fixed_ip and security_groups apply to a new port, not to an existing one"
    )
  )

/** Versions 1 and 2's NIC: `network` is a name or id only ("auto" is a network's name there). */
export const NetworkRequestV2 = networkRequestWith(NameOrId)

/** A NIC; `network: "auto"` is the project's default network, on which no fixed IP can be asked for. */
export const NetworkRequest = networkRequestWith(
  NameOrId.annotations({
    description:
      'name or id; "auto": the project\'s default network, made (network, subnet, router) the first time and ' +
      'reused afterwards (a network named "auto" is given by its id)'
  })
).pipe(
  Schema.filter(
    (n) =>
      n.network !== autoNetwork ||
      n.fixed_ip === undefined || {
        path: ["fixed_ip"],
        message: 'cannot be given with network "auto": its subnet is not known before it is made'
      }
  )
)

export const KeypairRequest = Schema.Struct({
  name: NameOrId,
  public_key: Schema.optional(
    Text.pipe(
      Schema.maxLength(16384),
      Schema.pattern(/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/),
      Schema.annotations({ title: "an OpenSSH public key" })
    )
  )
})

const MetadataValue = Text.pipe(Schema.maxLength(255))

/** Whether a metadata key is 1–255 characters of storable text. */
const metadataKey = (key: string) => key.length >= 1 && key.length <= 255 && storable(key)

/**
 * Metadata for the servers. Keys are checked by a filter rather than a key schema: a Record drops the
 * keys its key schema refuses, so `{"": "v"}` was silently accepted as `{}` (found by the fuzzer).
 */
const Metadata = Schema.Record({ key: Schema.String, value: MetadataValue }).pipe(
  Schema.filter((m) => {
    const keys = Object.keys(m)
    if (keys.length > 128) return `must have at most 128 items, not ${keys.length}`
    const bad = keys.find((key) => !metadataKey(key))
    return (
      bad === undefined ||
      `keys must be 1 to 255 characters of text, not ${JSON.stringify(bad.slice(0, 40))}${bad.length > 40 ? "…" : ""}`
    )
  })
)

const name = NameOrId.annotations({
  description: "base name; with count > 1 servers are named <name>-1 … <name>-N"
})
const count = Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 20)), { default: () => 1 })

/**
 * The request's fields, with the image and boot volume each version takes (in one order: the order of
 * the fields is part of a version's shape).
 */
const fieldsWith = <
  I extends Schema.Struct.Field,
  B extends Schema.Struct.Field,
  N extends Schema.Struct.Field
>(
  image: I,
  bootVolume: B,
  networks: N
) => ({
  name,
  count,
  image,
  flavor: NameOrId,
  boot_volume: bootVolume,
  networks,
  keypair: Schema.optional(KeypairRequest),
  user_data: Schema.optional(Text.pipe(Schema.maxLength(49152))),
  metadata: Schema.optional(Metadata),
  availability_zone: Schema.optional(NameOrId),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
})

/** The NICs of each server: one to eight. */
const nicsV2 = Schema.Array(NetworkRequestV2).pipe(Schema.minItems(1), Schema.maxItems(8))
const nics = Schema.Array(NetworkRequest).pipe(Schema.minItems(1), Schema.maxItems(8))

/** `server.create` version 1's params: the image is required, the boot volume is made from it. */
export const CreateServersRequestV1 = Input.body(
  Schema.Struct(fieldsWith(NameOrId, Schema.optional(BootVolumeRequestV1), nicsV2))
)
export type CreateServersRequestV1 = typeof CreateServersRequestV1.Type

/** Versions 2 and later: the image, or (a restore) the boot volume's snapshot, exactly one. */
const imageOrSnapshot = (r: {
  readonly image?: string | undefined
  readonly boot_volume?: { readonly snapshot?: string | undefined } | undefined
}) => {
  const snapshot = r.boot_volume?.snapshot
  if (snapshot !== undefined && r.image !== undefined) {
    return {
      path: ["image"],
      message: `give image or boot_volume.snapshot, not both: the boot volume is made from snapshot ${snapshot}`
    }
  }
  return (
    snapshot !== undefined ||
    r.image !== undefined || { path: ["image"], message: "is required (or boot_volume.snapshot)" }
  )
}

/**
 * `server.create` version 2's params: booted from the image or from a boot volume made from a snapshot;
 * `network` is a name or id only.
 */
export const CreateServersRequestV2 = Input.body(
  Schema.Struct(fieldsWith(Schema.optional(NameOrId), Schema.optional(BootVolumeRequest), nicsV2)).pipe(
    Schema.filter(imageOrSnapshot)
  )
)
export type CreateServersRequestV2 = typeof CreateServersRequestV2.Type

/**
 * `POST /servers`: one or more servers, each with its boot volume, ports and floating IPs, booted from
 * the image or from a boot volume made from a snapshot (a restore), on named networks or on the
 * project's default network (`network: "auto"`). Read as a body (`Input.body`): an unknown field
 * anywhere is refused, naming it.
 */
export const CreateServersRequest = Input.body(
  Schema.Struct(fieldsWith(Schema.optional(NameOrId), Schema.optional(BootVolumeRequest), nics)).pipe(
    Schema.filter(imageOrSnapshot)
  )
)
export type CreateServersRequest = typeof CreateServersRequest.Type

/** Whether the request asks for the project's default network on any NIC. */
export const asksForDefaultNetwork = (request: Pick<CreateServersRequest, "networks">): boolean =>
  request.networks.some((nic) => nic.network === autoNetwork)
