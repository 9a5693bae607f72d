import { KeyStore, KeyStoreSelection } from "@enamel/keys"
import { Keystone, Session, type SessionShape } from "@enamel/openstack-clients"
import { UserKeyRefs } from "@enamel/persistence"
import { Effect, Option } from "effect"

/**
 * The demo's last clean-up: the key Enamel made to act for the demo's user (an application credential,
 * which only its user may delete, and its secret in the key store) and Enamel's reference to it. A real
 * deployment keeps a user's key for their next tasks; a demo that deletes what it made deletes it too.
 */
export const forgetKey = (user: SessionShape) =>
  Effect.gen(function* () {
    const { info } = yield* user.authentication
    const projectId = info.project?.id
    if (projectId === undefined) return false
    const refs = yield* UserKeyRefs
    const stored = yield* refs.find(projectId, info.user.id)
    if (Option.isNone(stored)) return false
    const key = stored.value
    yield* Keystone.deleteApplicationCredential(key.credentialId).pipe(
      Effect.provideService(Session, user),
      Effect.catchTag("OpenStackNotFound", () => Effect.void)
    )
    yield* Effect.flatMap(KeyStore, (store) => store.remove(key.secretRef)).pipe(
      Effect.provide(KeyStoreSelection.layer)
    )
    yield* refs.forget(key.secretRef)
    return true
  }).pipe(Effect.provide(UserKeyRefs.Default))
