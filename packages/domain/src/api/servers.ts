import { Schema } from "effect"

/** A name or a UUID of a cloud resource, as the cloud's own APIs accept it. */
const NameOrId = Schema.Trimmed.pipe(Schema.minLength(1), Schema.maxLength(255)).annotations({
  description: "name or id"
})

const IpAddress = Schema.String.pipe(
  Schema.pattern(/^((\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/),
  Schema.annotations({ message: () => "must be an IPv4 or IPv6 address" })
)

export const BootVolumeRequest = Schema.Struct({
  size_gb: Schema.Int.pipe(Schema.between(1, 16384)),
  volume_type: Schema.optional(NameOrId),
  delete_on_termination: Schema.optionalWith(Schema.Boolean, { default: () => true })
})

export const NetworkRequest = Schema.Struct({
  network: Schema.optional(NameOrId),
  port: Schema.optional(Schema.UUID),
  fixed_ip: Schema.optional(IpAddress),
  security_groups: Schema.optional(Schema.Array(NameOrId).pipe(Schema.maxItems(16))),
  floating_ip: Schema.optional(Schema.Struct({ network: NameOrId }))
}).pipe(
  Schema.filter(
    (n) => (n.network === undefined) !== (n.port === undefined) || "give exactly one of network or port"
  ),
  Schema.filter(
    (n) =>
      n.port === undefined ||
      (n.fixed_ip === undefined && n.security_groups === undefined) ||
      "fixed_ip and security_groups apply to a new port, not to an existing one"
  )
)

export const KeypairRequest = Schema.Struct({
  name: NameOrId,
  public_key: Schema.optional(
    Schema.String.pipe(
      Schema.maxLength(16384),
      Schema.pattern(/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/),
      Schema.annotations({ message: () => "must be an OpenSSH public key" })
    )
  )
})

const MetadataKey = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255))
const MetadataValue = Schema.String.pipe(Schema.maxLength(255))

/** `POST /servers`: one or more servers, each with its boot volume, ports and floating IPs. */
export const CreateServersRequest = Schema.Struct({
  name: NameOrId.annotations({
    description: "base name; with count > 1 servers are named <name>-1 … <name>-N"
  }),
  count: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 20)), { default: () => 1 }),
  image: NameOrId,
  flavor: NameOrId,
  boot_volume: Schema.optional(BootVolumeRequest),
  networks: Schema.Array(NetworkRequest).pipe(Schema.minItems(1), Schema.maxItems(8)),
  keypair: Schema.optional(KeypairRequest),
  user_data: Schema.optional(Schema.String.pipe(Schema.maxLength(49152))),
  metadata: Schema.optional(
    Schema.Record({ key: MetadataKey, value: MetadataValue }).pipe(
      Schema.filter((m) => Object.keys(m).length <= 128 || "at most 128 metadata items")
    )
  ),
  availability_zone: Schema.optional(NameOrId),
  priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
})
export type CreateServersRequest = typeof CreateServersRequest.Type
