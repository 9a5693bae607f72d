import type { OpenStackError } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"

/**
 * What an earlier attempt of a creating stage made, for `adoptOrCreate`: the resource tagged with the
 * stage's marks, else one that attempt made but was cut off before tagging (Neutron tags take a second
 * call), recognised by the token in its description (or, for a subnet, by its name on the network the
 * task made): that one is tagged now and adopted, so that everything Enamel leaves is found by its tags.
 */
export const findMarked = <A extends { readonly id: string; readonly tags: ReadonlyArray<string> }, R>(spec: {
  readonly tagged: Effect.Effect<ReadonlyArray<A>, OpenStackError, R>
  readonly untagged: Effect.Effect<ReadonlyArray<A>, OpenStackError, R>
  readonly setTags: (id: string) => Effect.Effect<ReadonlyArray<string>, OpenStackError, R>
}): Effect.Effect<Option.Option<A>, OpenStackError, R> =>
  Effect.gen(function* () {
    const [tagged] = yield* spec.tagged
    if (tagged !== undefined) return Option.some(tagged)
    const [untagged] = yield* spec.untagged
    if (untagged === undefined) return Option.none()
    const tags = yield* spec.setTags(untagged.id)
    return Option.some({ ...untagged, tags })
  })
