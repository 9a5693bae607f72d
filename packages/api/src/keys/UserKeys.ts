import type { Caller, Forbidden, ServiceUnavailable } from "@enamel/domain/contract"
import { Context, Effect, Layer } from "effect"

/**
 * Step 2 of the original design: the caller's key, from which a worker can regenerate a scoped Keystone
 * session later. Returns only the key store's reference to the key; the secret never leaves the key
 * store except into a worker's memory.
 */
export class UserKeys extends Context.Tag("@enamel/api/UserKeys")<
  UserKeys,
  {
    readonly keyFor: (caller: Caller) => Effect.Effect<string, Forbidden | ServiceUnavailable>
  }
>() {}

/** For tests without Keystone and a key store: a made-up reference per user and project. */
export const layerStatic = Layer.succeed(
  UserKeys,
  UserKeys.of({
    keyFor: (caller) => Effect.succeed(`memory://keys/${caller.userId}/${caller.projectId}`)
  })
)
