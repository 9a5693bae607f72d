import { Effect, Option, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import * as NameCache from "../cloud/NameCache.js"
import { combineFailures, problem, UnresolvedRequest } from "./errors.js"
import { type CachedName, lookUp } from "./names.js"

/** Looks the name up again: the cache learns the answer, and an id that changed is a problem. */
const confirm = ({ kind, name, id }: CachedName) =>
  Effect.gen(function* () {
    const cache = yield* Effect.serviceOption(NameCache.NameCache)
    const key = yield* NameCache.keyOf(kind, name)
    const now = yield* lookUp(kind, name).pipe(
      Effect.tapError((error) =>
        error instanceof UnresolvedRequest && Option.isSome(cache) ? cache.value.remove(key) : Effect.void
      )
    )
    if (Option.isSome(cache)) yield* cache.value.set(key, now)
    if (now !== id) {
      return yield* problem(
        `${kind} ${name} is ${now} now, not ${id} as it was a moment ago; send the request again`
      )
    }
  })

/**
 * Confirms, while the servers are being made, the names `resolveRequest` took from the NameCache: each
 * still exists, can be used, and has the id the flow went on with. When one does not, the flow fails with
 * `server.request_unresolved` and what was made is undone.
 */
export const confirmNames = CloudStage.make({
  name: "confirmNames",
  result: Schema.Struct({ confirmed: Schema.Number }),
  run: Effect.fn("ServerCreate.confirmNames")(function* (names: ReadonlyArray<CachedName>) {
    yield* Effect.validateAll(names, confirm, { concurrency: "unbounded", discard: true }).pipe(
      Effect.mapError(combineFailures)
    )
    return { confirmed: names.length }
  })
})
