import { Nova } from "@enamel/openstack-clients"
import { Effect, Option, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { removeKeypair } from "../../cloud/remove.js"
import { problem } from "../errors.js"

export interface KeypairInput {
  readonly name: string
  readonly publicKey: string
}

export const ImportedKeypair = Schema.Struct({
  name: Schema.String,
  /** Whether this task imported it (and so may delete it); false when the same key was there already. */
  imported: Schema.Boolean
})

const keyOf = (publicKey: string) => publicKey.trim().split(/\s+/).slice(0, 2).join(" ")

/**
 * Creates: the user's keypair from the public key. A keypair of that name with the same key is adopted
 * and never deleted: after a crash we cannot tell whether we or the user made it, and we would rather
 * leave our own key behind than delete the user's. Undo: deletes only a keypair this task imported.
 */
export const importKeypair = CloudStage.make({
  name: "importKeypair",
  result: ImportedKeypair,
  run: Effect.fn("ServerCreate.importKeypair")(function* (input: KeypairInput, context: StageContext) {
    if (context.attempt > 1) {
      const existing = yield* Nova.getKeypair(input.name).pipe(
        Effect.map(Option.some),
        Effect.catchTag("OpenStackNotFound", () => Effect.succeedNone)
      )
      if (Option.isSome(existing)) {
        return keyOf(existing.value.publicKey) === keyOf(input.publicKey)
          ? { name: input.name, imported: false }
          : yield* problem(`keypair ${input.name} exists with a different public key`)
      }
    }
    yield* Nova.importKeypair({ name: input.name, publicKey: input.publicKey })
    return { name: input.name, imported: true }
  }),
  compensate: (keypair) => (keypair.imported ? removeKeypair(keypair.name) : Effect.void)
})
