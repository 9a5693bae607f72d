import { type KeyNotFound, KeyStore, type KeyStoreError } from "@enamel/keys"
import {
  ClientSettings,
  type HttpTransport,
  type OpenStackError,
  ServiceSession,
  Session,
  type SessionShape,
  Sessions
} from "@enamel/openstack-clients"
import { Config, DateTime, Duration, Effect, Exit, Schedule, type Scope, ScopedCache } from "effect"
import { isGone } from "./keyGone.js"

/**
 * ENAMEL_USER_SESSION_TTL: how long a worker reuses a user's session (and its Keystone token) for that
 * user's next tasks, never past the point where the token would be renewed; `0 millis` builds a session
 * per task (the key read from the store and a login to Keystone each time).
 */
export const UserSessionTtl = Config.duration("ENAMEL_USER_SESSION_TTL").pipe(
  Config.withDefault(Duration.minutes(30))
)

/** How many users' sessions one worker keeps at most (the least recently used go first). */
const capacity = 10_000

interface Held {
  readonly session: SessionShape
  /** How long it may be handed out: the setting, cut to the time its first token has left before renewal. */
  readonly reuseFor: Duration.Duration
}

/**
 * The worker's users' sessions, by key reference: a task of a user whose session is held gets it without
 * reading the key or logging in again. A session is built from the key (read with Enamel's service user),
 * authenticated at once, and shared by that key's tasks until its time is up; a failed build is not kept.
 * Tokens and secrets stay in this process's memory: never in flow data, checkpoints or logs. A session
 * whose key Keystone refuses (401 that re-authentication cannot cure) is dropped, as is one whose key the
 * worker forgets; a dropped or expired session's token is revoked once no running task holds it.
 */
export class UserSessions extends Effect.Service<UserSessions>()("@enamel/worker/UserSessions", {
  scoped: Effect.gen(function* () {
    const ttl = yield* UserSessionTtl
    const service = yield* ServiceSession.ServiceSession
    const keys = yield* KeyStore
    const settings = yield* ClientSettings.ClientSettings
    const transport = yield* Effect.context<HttpTransport.HttpTransport>()

    const build = (keyRef: string) =>
      Effect.gen(function* () {
        const payload = yield* keys.read(keyRef)
        const session = yield* Sessions.fromApplicationCredentialKey(payload, {
          source: `the key ${keyRef}`,
          revokeOnClose: true
        }).pipe(Effect.provideService(Session, service), Effect.provide(transport))
        const first = yield* session.authentication
        const lifetime =
          DateTime.toEpochMillis(first.info.expiresAt) - DateTime.toEpochMillis(first.info.issuedAt)
        const left = Math.max(0, lifetime - Sessions.refreshMargin(settings.tokenRefreshMargin, lifetime))
        return { session, reuseFor: Duration.min(ttl, Duration.millis(left)) } satisfies Held
      })

    /** When each held key's session is due to go, so that an expired one is released even if unused. */
    const dueAt = new Map<string, number>()

    const cache = yield* ScopedCache.makeWith({
      capacity,
      lookup: (keyRef: string) =>
        Effect.tap(build(keyRef), (held) =>
          Effect.map(
            Effect.clockWith((clock) => clock.currentTimeMillis),
            (now) => {
              dueAt.set(keyRef, now + Duration.toMillis(held.reuseFor))
            }
          )
        ),
      timeToLive: Exit.match({ onFailure: () => Duration.zero, onSuccess: (held) => held.reuseFor })
    })

    const forget = (keyRef: string) =>
      Effect.zipRight(
        Effect.sync(() => dueAt.delete(keyRef)),
        cache.invalidate(keyRef)
      )

    // The cache releases an expired entry only when it is asked for again: sweep, so that a user who
    // stopped sending tasks does not leave a token and a secret in memory until the worker stops.
    yield* Effect.gen(function* () {
      const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
      const due = [...dueAt].filter(([, at]) => at <= now).map(([keyRef]) => keyRef)
      yield* Effect.forEach(due, forget, { discard: true })
    }).pipe(Effect.repeat(Schedule.spaced(Duration.minutes(1))), Effect.forkScoped)

    /** A session that drops itself from the cache when Keystone refuses its key. */
    const watched = (keyRef: string, session: SessionShape): SessionShape => ({
      ...session,
      reauthenticate: (refused) =>
        session
          .reauthenticate(refused)
          .pipe(Effect.tapError((error) => (isGone(error) ? forget(keyRef) : Effect.void)))
    })

    return {
      /** The user's session for a task (held until the task's scope closes). */
      session: (
        keyRef: string
      ): Effect.Effect<SessionShape, OpenStackError | KeyStoreError | KeyNotFound, Scope.Scope> =>
        Duration.isZero(ttl)
          ? Effect.map(build(keyRef), (held) => held.session)
          : Effect.map(cache.get(keyRef), (held) => watched(keyRef, held.session)),
      /** Drops the key's session: the next task builds a new one from the key. */
      forget
    } as const
  })
}) {}
