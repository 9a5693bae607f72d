import { Effect, Option } from "effect"
import { OpenStackConflict, type OpenStackError, OpenStackNotFound } from "../errors.js"

export interface LookupSpec<A, R> {
  readonly service: string
  /** `flavor`, `image`, `network`, ... */
  readonly resource: string
  readonly nameOrId: string
  /** A GET by id, when the value could be an id; a NotFound from it falls through to the name search. */
  readonly byId: Option.Option<Effect.Effect<A, OpenStackError, R>>
  /** The resources with this exact name. */
  readonly byName: Effect.Effect<ReadonlyArray<A>, OpenStackError, R>
  /** Among several with the name, the ones to prefer (e.g. the session's own project's). */
  readonly prefer?: (candidate: A) => boolean
}

/**
 * Finds a resource by id or by name: the id wins; a name must be unambiguous (Conflict otherwise, naming
 * how many matched); nothing found is NotFound.
 */
export const findByNameOrId = <A, R>(spec: LookupSpec<A, R>): Effect.Effect<A, OpenStackError, R> =>
  Effect.gen(function* () {
    if (Option.isSome(spec.byId)) {
      const found = yield* spec.byId.value.pipe(
        Effect.map(Option.some),
        Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
      )
      if (Option.isSome(found)) return found.value
    }
    const named = yield* spec.byName
    const preferred = spec.prefer === undefined ? named : named.filter(spec.prefer)
    const candidates = named.length > 1 && preferred.length > 0 ? preferred : named
    const [only, ...others] = candidates
    if (only === undefined) {
      return yield* new OpenStackNotFound({
        service: spec.service,
        message: `no ${spec.resource} named or with id "${spec.nameOrId}"`
      })
    }
    if (others.length > 0) {
      return yield* new OpenStackConflict({
        service: spec.service,
        message: `${candidates.length} ${spec.resource}s are named "${spec.nameOrId}"; use an id`
      })
    }
    return only
  })
