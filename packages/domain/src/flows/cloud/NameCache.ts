import { Session } from "@enamel/openstack-clients"
import { Clock, Context, Duration, Effect, Layer, Option } from "effect"

/**
 * What names (an image, a flavor, a network) resolved to lately, per project: a flow may start at once
 * with the id it found the last time, and confirm the name alongside (see server-create's
 * `confirmNames`). Ids only: no token or secret is kept. Optional: without it every name is looked up.
 */
export class NameCache extends Context.Tag("@enamel/domain/NameCache")<
  NameCache,
  {
    readonly get: (key: string) => Effect.Effect<Option.Option<string>>
    readonly set: (key: string, id: string) => Effect.Effect<void>
    readonly remove: (key: string) => Effect.Effect<void>
  }
>() {}

/** How many names one process keeps at most (the oldest go first). */
const capacity = 10_000

/** An in-memory NameCache whose entries are trusted for `ttl` after they were looked up. */
export const make = (ttl: Duration.DurationInput) =>
  Effect.sync(() => {
    const lifetime = Duration.toMillis(ttl)
    const entries = new Map<string, { readonly id: string; readonly until: number }>()
    return NameCache.of({
      get: (key) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const entry = entries.get(key)
          if (entry === undefined) return Option.none()
          if (entry.until > now) return Option.some(entry.id)
          entries.delete(key)
          return Option.none()
        }),
      set: (key, id) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          if (lifetime <= 0) return
          entries.delete(key)
          entries.set(key, { id, until: now + lifetime })
          // Maps iterate in insertion order: the first key is the oldest.
          if (entries.size > capacity) entries.delete(entries.keys().next().value ?? "")
        }),
      remove: (key) => Effect.sync(() => void entries.delete(key))
    })
  })

export const layer = (ttl: Duration.DurationInput) => Layer.effect(NameCache, make(ttl))

/** Where a name of this kind is kept: the session's project, the kind, the name. */
export const keyOf = (kind: string, name: string) =>
  Effect.flatMap(Session, (session) => session.authentication).pipe(
    Effect.map((authentication) => `${authentication.info.project?.id ?? ""}/${kind}/${name}`)
  )
