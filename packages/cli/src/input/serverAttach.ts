import { isIP } from "node:net"
import { ServerFloatingIpAttach, ServerInterfaceAttach, ServerVolumeAttach } from "@enamel/domain/flows"
import { Either, ParseResult, Schema } from "effect"
import { parseId } from "./ids.js"
import { type UsageError, usage } from "./UsageError.js"

/**
 * The bodies of `server volume add`, `server interface add` and `server floating-ip add`, checked by the
 * contract's own schemas so that the API would accept them: what the flags get wrong (a missing or extra
 * choice, an id that is not one, an address that is not one, a size or priority out of range) is refused
 * here, before any call, naming the flag.
 */

type Given<A> = A | undefined

/** Decodes `body` with the endpoint's schema; a refusal names the flags, as `flagOf` maps the fields. */
export const checked = <A, I>(
  schema: Schema.Schema<A, I>,
  flagOf: Readonly<Record<string, string>>,
  body: object
): Either.Either<A, UsageError> =>
  Schema.decodeUnknownEither(schema)(body).pipe(
    Either.mapLeft((error) =>
      usage(
        ParseResult.ArrayFormatter.formatErrorSync(error)
          .map((issue) => {
            const field = issue.path.map(String)[0]
            return `${field === undefined ? "" : `${flagOf[field] ?? field}: `}${issue.message}`
          })
          .join("\n")
      )
    )
  )

/** `{ key: value }`, or nothing when the flag was not given. */
export const defined = (key: string, value: unknown): Readonly<Record<string, unknown>> =>
  value === undefined ? {} : { [key]: value }

export interface VolumeFlags {
  readonly size?: Given<number>
  readonly name?: Given<string>
  readonly type?: Given<string>
  readonly image?: Given<string>
  readonly snapshot?: Given<string>
  readonly volume?: Given<string>
  readonly priority?: Given<number>
}

export type VolumePayload = typeof ServerVolumeAttach.AttachVolumeBody.Type

const volumeFlagOf = {
  size_gb: "--size",
  name: "--name",
  volume_type: "--type",
  image: "--image",
  snapshot: "--snapshot",
  volume: "--volume",
  priority: "--priority"
}

/**
 * `--size GB [--name N] [--type T] [--image I | --snapshot S]`, `--snapshot S` alone (a volume of the
 * snapshot's size), or `--volume V`.
 */
export const volumePayload = (flags: VolumeFlags): Either.Either<VolumePayload, UsageError> =>
  Either.gen(function* () {
    const isNew = flags.size !== undefined || flags.snapshot !== undefined
    if (isNew === (flags.volume !== undefined)) {
      return yield* Either.left(
        usage(
          "give --size GB or --snapshot S (a new volume) or --volume V (an existing one), not both nor neither"
        )
      )
    }
    const forNew = [
      ["--name", flags.name],
      ["--type", flags.type],
      ["--image", flags.image],
      ["--snapshot", flags.snapshot]
    ].flatMap(([flag, value]) => (value === undefined ? [] : [flag]))
    if (flags.volume !== undefined && forNew.length > 0) {
      return yield* Either.left(
        usage(`${forNew.join(", ")}: only for a new volume (--size), not with --volume`)
      )
    }
    if (flags.image !== undefined && flags.snapshot !== undefined) {
      return yield* Either.left(usage("give --image I or --snapshot S, not both"))
    }
    const volume = flags.volume === undefined ? undefined : yield* parseId("--volume", flags.volume)
    const snapshot = flags.snapshot === undefined ? undefined : yield* parseId("--snapshot", flags.snapshot)
    return yield* checked(ServerVolumeAttach.AttachVolumeBody, volumeFlagOf, {
      ...defined("size_gb", flags.size),
      ...defined("name", flags.name),
      ...defined("volume_type", flags.type),
      ...defined("image", flags.image),
      ...defined("snapshot", snapshot),
      ...defined("volume", volume),
      ...defined("priority", flags.priority)
    })
  })

export interface InterfaceFlags {
  readonly network?: Given<string>
  readonly fixedIp?: Given<string>
  readonly securityGroups: ReadonlyArray<string>
  readonly floatingIp?: Given<string>
  readonly port?: Given<string>
  readonly priority?: Given<number>
}

export type InterfacePayload = typeof ServerInterfaceAttach.AttachInterfaceBody.Type

const interfaceFlagOf = {
  network: "--network",
  port: "--port",
  fixed_ip: "--fixed-ip",
  security_groups: "--security-group",
  floating_ip: "--floating-ip",
  priority: "--priority"
}

/** `--network NET [--fixed-ip IP] [--security-group SG]… [--floating-ip EXTERNAL_NET]`, or `--port PORT`. */
export const interfacePayload = (flags: InterfaceFlags): Either.Either<InterfacePayload, UsageError> =>
  Either.gen(function* () {
    if ((flags.network === undefined) === (flags.port === undefined)) {
      return yield* Either.left(
        usage("give --network NET (a new port) or --port PORT (an existing one), not both nor neither")
      )
    }
    if (flags.port !== undefined && (flags.fixedIp !== undefined || flags.securityGroups.length > 0)) {
      return yield* Either.left(
        usage("--fixed-ip and --security-group: only for a new port (--network), not with --port")
      )
    }
    if (flags.fixedIp !== undefined && isIP(flags.fixedIp) === 0) {
      return yield* Either.left(usage(`--fixed-ip ${flags.fixedIp}: is not an IPv4 or IPv6 address`))
    }
    const port = flags.port === undefined ? undefined : yield* parseId("--port", flags.port)
    return yield* checked(ServerInterfaceAttach.AttachInterfaceBody, interfaceFlagOf, {
      ...defined("network", flags.network),
      ...defined("port", port),
      ...defined("fixed_ip", flags.fixedIp),
      ...defined("security_groups", flags.securityGroups.length === 0 ? undefined : flags.securityGroups),
      ...defined("floating_ip", flags.floatingIp === undefined ? undefined : { network: flags.floatingIp }),
      ...defined("priority", flags.priority)
    })
  })

export interface FloatingIpFlags {
  readonly network: string
  readonly port?: Given<string>
  readonly priority?: Given<number>
}

export type FloatingIpPayload = typeof ServerFloatingIpAttach.AttachFloatingIpBody.Type

/** `--network EXTERNAL_NET [--port PORT]`. */
export const floatingIpPayload = (flags: FloatingIpFlags): Either.Either<FloatingIpPayload, UsageError> =>
  Either.gen(function* () {
    const port = flags.port === undefined ? undefined : yield* parseId("--port", flags.port)
    return yield* checked(
      ServerFloatingIpAttach.AttachFloatingIpBody,
      { network: "--network", port: "--port", priority: "--priority" },
      { network: flags.network, ...defined("port", port), ...defined("priority", flags.priority) }
    )
  })
