import { type Network, Neutron } from "@enamel/openstack-clients"
import { Config, Effect, Option, Schema } from "effect"
import { ExternalNetworkNotFound, ExternalNetworkUnresolved, NetworkNotExternal } from "./errors.js"

/**
 * The operator's external network for routers whose request names none (name or id); unset: the only
 * external network the project sees. Read where it is used, by the API's admission and by the worker's
 * `resolveNetworkRequest`, so both go by the same setting.
 */
export const DefaultExternalNetwork = Config.option(Config.string("ENAMEL_DEFAULT_EXTERNAL_NETWORK"))

const isUuid = Schema.is(Schema.UUID)

export interface ExternalNetwork {
  readonly id: string
  readonly name: string
}

const described = (network: Network): ExternalNetwork => ({ id: network.id, name: network.name })

/** The external network named (by id, or by a name only one external network has). */
const namedExternalNetwork = Effect.fn("NetworkCreate.namedExternalNetwork")(function* (
  nameOrId: string,
  fromSetting: boolean
) {
  const notFound = new ExternalNetworkNotFound({ externalNetwork: nameOrId, fromSetting })
  const byId = isUuid(nameOrId)
    ? yield* Neutron.getNetwork(nameOrId).pipe(
        Effect.map(Option.some),
        Effect.catchTag("OpenStackNotFound", () => Effect.succeed(Option.none<Network>()))
      )
    : Option.none<Network>()
  const candidates = Option.isSome(byId) ? [byId.value] : yield* Neutron.listNetworks({ name: nameOrId })
  const external = candidates.filter((network) => network.external)
  const [only, ...others] = external
  if (only !== undefined && others.length === 0) return described(only)
  if (others.length > 0) {
    return yield* new ExternalNetworkUnresolved({ candidates: external.map(described), named: nameOrId })
  }
  const [internal] = candidates
  if (internal !== undefined) {
    return yield* new NetworkNotExternal({ externalNetwork: nameOrId, networkId: internal.id })
  }
  return yield* notFound
})

/**
 * The external network a new router's gateway goes on: the one the request names; else the one the
 * operator names (`ENAMEL_DEFAULT_EXTERNAL_NETWORK`); else the only external network the project sees
 * (none, or several, is refused naming them).
 */
export const resolveExternalNetwork = Effect.fn("NetworkCreate.resolveExternalNetwork")(function* (
  requested: string | undefined
) {
  if (requested !== undefined) return yield* namedExternalNetwork(requested, false)
  const setting = yield* Effect.orDie(DefaultExternalNetwork)
  if (Option.isSome(setting) && setting.value.trim() !== "") {
    return yield* namedExternalNetwork(setting.value.trim(), true)
  }
  const external = yield* Neutron.listNetworks({ external: true })
  const [only, ...others] = external
  if (only !== undefined && others.length === 0) return described(only)
  return yield* new ExternalNetworkUnresolved({ candidates: external.map(described) })
})
