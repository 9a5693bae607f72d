import { DateTime, Effect, Option, Redacted, Schema } from "effect"
import { collectPages } from "../http/pagination.js"
import { makeServiceApi } from "../http/ServiceApi.js"
import { keepFilters, segment } from "../http/url.js"

const barbican = "barbican"

export const Secret = Schema.Struct({
  secretRef: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("secret_ref")),
  name: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  status: Schema.String,
  secretType: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("secret_type")),
  created: Schema.String,
  expiration: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
})
export type Secret = typeof Secret.Type

export const SecretRefBody = Schema.Struct({
  secretRef: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("secret_ref"))
})

export const SecretsPage = Schema.Struct({
  secrets: Schema.Array(Secret),
  next: Schema.optional(Schema.String)
})

export interface SecretStore {
  readonly name: string
  readonly payload: Redacted.Redacted<string>
  /** `text/plain` unless told otherwise. */
  readonly payloadContentType?: string
  /** `opaque` unless told otherwise. */
  readonly secretType?: "opaque" | "passphrase" | "symmetric" | "private" | "public" | "certificate"
  readonly expiration?: DateTime.DateTime
}

/**
 * The secret's id from its reference (`http://host:9311/v1/secrets/<id>`) or the id itself. Only the id is
 * used: calls go to the catalog's Barbican, never to a host named inside a reference.
 */
export const secretIdOf = (secretRef: string): string => {
  const last = secretRef.replace(/\/+$/, "").split("/").pop()
  return last === undefined || last.length === 0 ? secretRef : last
}

export const secretStoreBody = (spec: SecretStore) => ({
  name: spec.name,
  payload: Redacted.value(spec.payload),
  payload_content_type: spec.payloadContentType ?? "text/plain",
  secret_type: spec.secretType ?? "opaque",
  ...(spec.expiration === undefined ? {} : { expiration: DateTime.formatIso(spec.expiration) })
})

/** Barbican v1 secrets: store, read the payload, list by name, delete. */
export class Barbican extends Effect.Service<Barbican>()("@enamel/openstack-clients/Barbican", {
  accessors: true,
  effect: Effect.gen(function* () {
    const api = yield* makeServiceApi({ name: barbican, type: "key-manager", pathPrefix: "v1" })
    const secretPath = (secretRef: string) => `secrets/${segment(secretIdOf(secretRef))}`

    /** Stores a secret; returns its reference (a URL ending in its id). */
    const storeSecret = Effect.fn("Barbican.storeSecret")(function* (spec: SecretStore) {
      const body = yield* api.json(
        { method: "POST", path: "secrets", json: secretStoreBody(spec) },
        SecretRefBody
      )
      return body.secretRef
    })

    const getSecret = Effect.fn("Barbican.getSecret")(function* (secretRef: string) {
      return yield* api.json({ method: "GET", path: secretPath(secretRef) }, Secret)
    })

    /** The secret's payload, held in Redacted (text payloads; `Accept: text/plain` by default). */
    const getSecretPayload = Effect.fn("Barbican.getSecretPayload")(function* (
      secretRef: string,
      options: { readonly accept?: string } = {}
    ) {
      const reply = yield* api.execute({
        method: "GET",
        path: `${secretPath(secretRef)}/payload`,
        accept: options.accept ?? "text/plain"
      })
      return Redacted.make(reply.body)
    })

    const deleteSecret = Effect.fn("Barbican.deleteSecret")(function* (secretRef: string) {
      yield* api.discard({ method: "DELETE", path: secretPath(secretRef) })
    })

    /** The secrets with this exact name (all pages). */
    const listSecrets = Effect.fn("Barbican.listSecrets")(function* (
      filter: { readonly name?: string; readonly pageSize?: number } = {}
    ) {
      const query = { name: filter.name, limit: filter.pageSize }
      return yield* collectPages(
        api,
        { method: "GET", path: "secrets", query },
        {
          schema: SecretsPage,
          items: (page) => page.secrets,
          next: (page) => Option.map(Option.fromNullable(page.next), (link) => keepFilters(link, query))
        }
      )
    })

    return { storeSecret, getSecret, getSecretPayload, deleteSecret, listSecrets }
  })
}) {}
