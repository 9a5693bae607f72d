import { Effect, Schema } from "effect"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"

export const Keypair = Schema.Struct({
  name: Schema.String,
  publicKey: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("public_key")),
  fingerprint: Schema.String,
  type: Schema.optionalWith(Schema.String, { default: () => "ssh" })
})
export type Keypair = typeof Keypair.Type

const KeypairBody = Schema.Struct({ keypair: Keypair })
/** `GET /os-keypairs`: each entry wraps its keypair (the list leaves out the public key's use). */
const KeypairsList = Schema.Struct({
  keypairs: Schema.Array(Schema.Struct({ keypair: Schema.Struct({ name: Schema.String }) }))
})

export interface KeypairImport {
  readonly name: string
  /** An OpenSSH public key (`ssh-ed25519 AAAA... comment`) or an x509 certificate. */
  readonly publicKey: string
  readonly type?: "ssh" | "x509"
}

export const makeKeypairOperations = (api: ServiceApi) => {
  /** Imports a public key under a name of the session's user. */
  const importKeypair = Effect.fn("Nova.importKeypair")(function* (spec: KeypairImport) {
    const body = yield* api.json(
      {
        method: "POST",
        path: "os-keypairs",
        json: { keypair: { name: spec.name, public_key: spec.publicKey, type: spec.type ?? "ssh" } }
      },
      KeypairBody
    )
    return body.keypair
  })

  const getKeypair = Effect.fn("Nova.getKeypair")(function* (name: string) {
    const body = yield* api.json({ method: "GET", path: `os-keypairs/${segment(name)}` }, KeypairBody)
    return body.keypair
  })

  const deleteKeypair = Effect.fn("Nova.deleteKeypair")(function* (name: string) {
    yield* api.discard({ method: "DELETE", path: `os-keypairs/${segment(name)}` })
  })

  /** The names of the session user's keypairs (what Nova's key_pairs quota counts). */
  const listKeypairNames = Effect.fn("Nova.listKeypairNames")(function* () {
    const body = yield* api.json({ method: "GET", path: "os-keypairs" }, KeypairsList)
    return body.keypairs.map((entry) => entry.keypair.name)
  })

  return { importKeypair, getKeypair, deleteKeypair, listKeypairNames }
}
