import { ErrorCode } from "@enamel/domain"
import { type Caller, Forbidden, ServiceUnavailable } from "@enamel/domain/contract"
import { KeyStore, KeyStoreBarbican, type KeyStoreError } from "@enamel/keys"
import {
  Credentials,
  HttpTransport,
  Keystone,
  type OpenStackError,
  OpenStackForbidden,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import { UserKeyRefs } from "@enamel/persistence"
import { Clock, Config, DateTime, Duration, Effect, Layer, Option } from "effect"
import { UserKeys } from "./UserKeys.js"

export const KeySettings = Config.all({
  /** How long a new key (application credential) lives. */
  lifetime: Config.duration("ENAMEL_KEY_LIFETIME").pipe(Config.withDefault(Duration.days(7))),
  /** A key with less than this left is replaced, so no task starts with a key about to expire. */
  renewBefore: Config.duration("ENAMEL_KEY_RENEW_BEFORE").pipe(Config.withDefault(Duration.days(2))),
  /**
   * How long this process reuses a reference without reading user_keys again: a worker drops the row
   * of a key it found gone, and the user's next request after this makes a new key.
   */
  cacheTtl: Config.duration("ENAMEL_KEY_CACHE_TTL").pipe(Config.withDefault(Duration.seconds(60)))
})

const unavailable = new ServiceUnavailable({
  code: ErrorCode.keyUnavailable,
  detail: "Keystone or the key store cannot provide your key right now; try again shortly"
})

const fromCloud = (error: OpenStackError | KeyStoreError) =>
  error instanceof OpenStackForbidden
    ? new Forbidden({
        code: ErrorCode.keyForbidden,
        detail: `Keystone refused an application credential: ${error.message}`
      })
    : unavailable

/**
 * Step 2 of the original design. A caller's key is a Keystone application credential restricted to the
 * caller's roles on the project, expiring after ENAMEL_KEY_LIFETIME, created with the caller's own token
 * and kept in the KeyStore in context (Barbican, or the local store) by Enamel's service user. Only the
 * reference is stored (in user_keys) and reused until ENAMEL_KEY_RENEW_BEFORE of its expiry.
 */
export const layer = Layer.effect(
  UserKeys,
  Effect.gen(function* () {
    const settings = yield* KeySettings
    const refs = yield* UserKeyRefs
    const keystone = yield* Keystone
    const keyStore = yield* KeyStore
    const service = yield* Session
    const transport = yield* HttpTransport.HttpTransport
    const cache = new Map<
      string,
      { readonly ref: string; readonly expiresAt: number; readonly readAt: number }
    >()

    const fresh = (expiresAt: number, now: number) =>
      expiresAt - now > Duration.toMillis(settings.renewBefore)

    const create = (caller: Caller) =>
      Effect.scoped(
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const expiresAt = DateTime.unsafeMake(now + Duration.toMillis(settings.lifetime))
          // Created as the caller (their token, re-scoped to their project): Keystone only lets users make their own.
          const asCaller = yield* Sessions.make({
            authUrl: service.authUrl,
            interface: service.interface,
            ...(service.region === undefined ? {} : { region: service.region }),
            credentials: Credentials.Token({ token: caller.token, project: { id: caller.projectId } })
          })
          const credential = yield* keystone
            .createApplicationCredential({
              name: `enamel-${caller.projectId}-${now}`,
              description: "Enamel acts for you with this while your tasks run",
              roles: caller.roles.map((name) => ({ name })),
              expiresAt,
              unrestricted: false
            })
            .pipe(Effect.provideService(Session, asCaller))
          const secretRef = yield* keyStore.store(
            `enamel-key-${caller.userId}-${caller.projectId}`,
            yield* Sessions.applicationCredentialKeyPayload(credential)
          )
          return { secretRef, credentialId: credential.id, expiresAt }
        })
      ).pipe(
        Effect.provideService(HttpTransport.HttpTransport, transport),
        Effect.tapError((error) => Effect.logWarning("cannot make a user key", error.message)),
        Effect.mapError(fromCloud)
      )

    const cacheTtl = Duration.toMillis(settings.cacheTtl)
    const cacheKeyOf = (caller: Caller) => `${caller.projectId}/${caller.userId}`

    /** The key from user_keys, or a new one made: a span of its own, as it may call Keystone. */
    const lookUp = Effect.fn("UserKeys.keyFor")(function* (caller: Caller, now: number) {
      const key = yield* refs
        .whileLocked(
          caller.projectId,
          caller.userId,
          Effect.gen(function* () {
            const stored = yield* refs.find(caller.projectId, caller.userId)
            if (Option.isSome(stored) && fresh(DateTime.toEpochMillis(stored.value.expiresAt), now))
              return stored.value
            const made = yield* create(caller)
            yield* refs.save(caller.projectId, caller.userId, made)
            return made
          })
        )
        .pipe(Effect.catchTag("TaskStoreError", () => Effect.fail(unavailable)))
      cache.set(cacheKeyOf(caller), {
        ref: key.secretRef,
        expiresAt: DateTime.toEpochMillis(key.expiresAt),
        readAt: now
      })
      return key.secretRef
    })

    // On the accept path: a key this process read lately is a map lookup, without a span of its own.
    const keyFor = (caller: Caller) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const cached = cache.get(cacheKeyOf(caller))
        return cached !== undefined && fresh(cached.expiresAt, now) && now - cached.readAt < cacheTtl
          ? Effect.succeed(cached.ref)
          : lookUp(caller, now)
      })

    return UserKeys.of({ keyFor })
  })
)

/** Keys in Barbican, kept by the Session in context (Enamel's service user). */
export const layerBarbican = layer.pipe(
  Layer.provide(Layer.effect(KeyStore, Effect.flatMap(Session, KeyStoreBarbican.makeAs)))
)
