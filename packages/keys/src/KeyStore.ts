import { Context, Data, type Effect, type Redacted } from "effect"

/** A key store could not keep, give back or delete a secret. */
export class KeyStoreError extends Data.TaggedError("KeyStoreError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** The reference names no secret (it was deleted, or never made here): retrying will not help. */
export class KeyNotFound extends Data.TaggedError("KeyNotFound")<{ readonly ref: string }> {
  override get message() {
    return `the key ${this.ref} does not exist`
  }
}

/**
 * Where Enamel keeps the secret part of users' keys (an application credential): it stores a payload
 * and hands back a reference, the only thing kept with tasks. Barbican, or the local store (references
 * `local:<id>`) when no Barbican is configured.
 */
export class KeyStore extends Context.Tag("@enamel/keys/KeyStore")<
  KeyStore,
  {
    readonly store: (name: string, payload: Redacted.Redacted<string>) => Effect.Effect<string, KeyStoreError>
    readonly read: (ref: string) => Effect.Effect<Redacted.Redacted<string>, KeyStoreError | KeyNotFound>
    readonly remove: (ref: string) => Effect.Effect<void, KeyStoreError>
  }
>() {}

export type KeyStoreShape = Context.Tag.Service<KeyStore>
