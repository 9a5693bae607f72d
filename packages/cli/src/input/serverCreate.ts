import { ServerCreate } from "@enamel/domain/flows"
import { Either, ParseResult, Schema } from "effect"
import { type BootVolumeFlag, parseBootVolume } from "./bootVolume.js"
import { parseId } from "./ids.js"
import { parseNetwork, parsePort } from "./network.js"
import { parseProperties } from "./property.js"
import { type UsageError, usage } from "./UsageError.js"

/** `enamel server create`'s flags as given (files already read), before they are checked. */
export interface CreateFlags {
  readonly name: string
  readonly image?: string | undefined
  /** Boot from a new volume made from this snapshot (a restore) instead of the image. */
  readonly bootSnapshot?: string | undefined
  readonly flavor: string
  readonly networks: ReadonlyArray<string>
  readonly ports: ReadonlyArray<string>
  readonly floatingIp?: string | undefined
  readonly bootVolume?: string | undefined
  readonly keyName?: string | undefined
  readonly publicKey?: string | undefined
  readonly count?: number | undefined
  readonly userData?: string | undefined
  readonly properties: ReadonlyArray<string>
  readonly availabilityZone?: string | undefined
  readonly priority?: number | undefined
}

export type CreateServersPayload = typeof ServerCreate.CreateServersRequest.Type

/** Which flag a field of the request comes from, to name it in a refusal. */
const flagOf: Readonly<Record<string, string>> = {
  name: "NAME",
  count: "--count",
  image: "--image",
  flavor: "--flavor",
  boot_volume: "--boot-volume",
  "boot_volume.snapshot": "--boot-snapshot",
  networks: "--network/--port",
  keypair: "--key-name/--public-key-file",
  "keypair.name": "--key-name",
  "keypair.public_key": "--public-key-file",
  user_data: "--user-data",
  metadata: "--property",
  availability_zone: "--availability-zone",
  priority: "--priority"
}

const describe = (issue: ParseResult.ArrayFormatterIssue) => {
  const [field, ...rest] = issue.path.map(String)
  const where = field === undefined ? "" : (flagOf[`${field}.${rest[0]}`] ?? flagOf[field] ?? field)
  const detail = field === "networks" && rest[0] !== undefined ? ` (NIC ${Number(rest[0]) + 1})` : ""
  return `${where}${detail}: ${issue.message}`
}

const decode = Schema.decodeUnknownEither(ServerCreate.CreateServersRequest)

/**
 * The `POST /servers` body the flags describe, checked by the contract's own schema so that the API
 * would accept it: everything a flag can get wrong is refused here, before any call, naming the flag.
 * NICs are in order: every `--network`, then every `--port`; `--floating-ip` goes on the first.
 */
export const createServersPayload = (flags: CreateFlags): Either.Either<CreateServersPayload, UsageError> =>
  Either.gen(function* () {
    const networks = yield* Either.all(flags.networks.map(parseNetwork))
    const ports = yield* Either.all(flags.ports.map(parsePort))
    const nics: ReadonlyArray<object> = [...networks, ...ports]
    const [first, ...others] = nics
    if (first === undefined) {
      return yield* Either.left(usage("give at least one --network NET or --port PORT"))
    }
    const withFloatingIp =
      flags.floatingIp === undefined
        ? nics
        : [{ ...first, floating_ip: { network: flags.floatingIp } }, ...others]
    if (flags.publicKey !== undefined && flags.keyName === undefined) {
      return yield* Either.left(usage("--public-key-file needs --key-name: the name to import the key under"))
    }
    if ((flags.image === undefined) === (flags.bootSnapshot === undefined)) {
      return yield* Either.left(
        usage("give --image I, or --boot-snapshot SNAPSHOT to boot from a volume made from it; not both")
      )
    }
    const bootVolume: BootVolumeFlag | undefined =
      flags.bootVolume === undefined ? undefined : yield* parseBootVolume(flags.bootVolume)
    const snapshot =
      flags.bootSnapshot === undefined ? undefined : yield* parseId("--boot-snapshot", flags.bootSnapshot)
    const metadata = yield* parseProperties(flags.properties)
    const body = {
      name: flags.name,
      ...(flags.image === undefined ? {} : { image: flags.image }),
      flavor: flags.flavor,
      networks: withFloatingIp,
      ...(flags.count === undefined ? {} : { count: flags.count }),
      ...(bootVolume === undefined && snapshot === undefined
        ? {}
        : { boot_volume: { ...bootVolume, ...(snapshot === undefined ? {} : { snapshot }) } }),
      ...(flags.keyName === undefined
        ? {}
        : {
            keypair: {
              name: flags.keyName,
              ...(flags.publicKey === undefined ? {} : { public_key: flags.publicKey.trim() })
            }
          }),
      ...(flags.userData === undefined ? {} : { user_data: flags.userData }),
      ...(metadata === undefined ? {} : { metadata }),
      ...(flags.availabilityZone === undefined ? {} : { availability_zone: flags.availabilityZone }),
      ...(flags.priority === undefined ? {} : { priority: flags.priority })
    }
    return yield* decode(body).pipe(
      Either.mapLeft((error) =>
        usage(ParseResult.ArrayFormatter.formatErrorSync(error).map(describe).join("\n"))
      )
    )
  })
