import { Cinder, Glance, Neutron, Nova, type OpenStackError, type Session } from "@enamel/openstack-clients"
import { Effect, Option, Ref, Schema } from "effect"
import * as NameCache from "../cloud/NameCache.js"
import { problem, type ResolveError } from "./errors.js"

/** The kinds of names a request gives and `resolveRequest` turns into ids. */
export const NameKind = Schema.Literal(
  "image",
  "flavor",
  "volume type",
  "network",
  "security group",
  "external network"
)
export type NameKind = typeof NameKind.Type

/** A name whose id came from the NameCache rather than from the cloud: confirmed while the flow runs. */
export const CachedName = Schema.Struct({ kind: NameKind, name: Schema.String, id: Schema.String })
export type CachedName = typeof CachedName.Type

/** A look-up by name or id whose "not found" or "ambiguous" is a problem with the request. */
export const named = <A, R>(what: string, name: string, find: Effect.Effect<A, OpenStackError, R>) =>
  find.pipe(
    Effect.catchTags({
      OpenStackNotFound: () => Effect.fail(problem(`${what} ${name} not found`)),
      OpenStackConflict: (error) => Effect.fail(problem(`${what} ${name}: ${error.message}`))
    })
  )

const activeImage = (name: string) =>
  Effect.flatMap(named("image", name, Glance.findImage(name)), (image) =>
    image.status === "active"
      ? Effect.succeed(image.id)
      : Effect.fail(problem(`image ${name} is not active (${image.status})`))
  )

const floatingNetwork = (name: string) =>
  Effect.flatMap(named("network", name, Neutron.findNetwork(name)), (network) =>
    network.external
      ? Effect.succeed(network.id)
      : Effect.fail(problem(`network ${name} is not external: floating IPs come from an external network`))
  )

/** The id a name of this kind has in the cloud now, or the problem with it. */
export const lookUp = (
  kind: NameKind,
  name: string
): Effect.Effect<string, ResolveError, Session | Glance | Nova | Cinder | Neutron> => {
  switch (kind) {
    case "image":
      return activeImage(name)
    case "flavor":
      return Effect.map(named("flavor", name, Nova.findFlavor(name)), (f) => f.id)
    case "volume type":
      return Effect.map(named("volume type", name, Cinder.findVolumeType(name)), (t) => t.id)
    case "network":
      return Effect.map(named("network", name, Neutron.findNetwork(name)), (n) => n.id)
    case "security group":
      return Effect.map(named("security group", name, Neutron.findSecurityGroup(name)), (g) => g.id)
    case "external network":
      return floatingNetwork(name)
  }
}

/**
 * Resolves names through the NameCache, when there is one: a name it holds costs no call and is noted
 * in `hits` (to be confirmed later); any other is looked up and kept.
 */
export const resolverWith = (hits: Ref.Ref<ReadonlyArray<CachedName>>) => (kind: NameKind, name: string) =>
  Effect.flatMap(Effect.serviceOption(NameCache.NameCache), (cache) =>
    Option.match(cache, {
      onNone: () => lookUp(kind, name),
      onSome: (names) =>
        Effect.gen(function* () {
          const key = yield* NameCache.keyOf(kind, name)
          const held = yield* names.get(key)
          if (Option.isSome(held)) {
            const id = held.value
            yield* Ref.update(hits, (all) => [...all, { kind, name, id }])
            return id
          }
          const id = yield* lookUp(kind, name)
          yield* names.set(key, id)
          return id
        })
    })
  )
