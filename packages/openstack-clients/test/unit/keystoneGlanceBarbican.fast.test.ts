import { describe, expect, it } from "@effect/vitest"
import { Barbican, Glance, Keystone, Session } from "@enamel/openstack-clients"
import { DateTime, Effect, Redacted } from "effect"
import secret from "../fixtures/barbican-secret.json"
import secretRef from "../fixtures/barbican-secret-ref.json"
import secrets from "../fixtures/barbican-secrets.json"
import images from "../fixtures/glance-images.json"
import credential from "../fixtures/keystone-application-credential-created.json"
import validation from "../fixtures/keystone-token-validation.json"
import { reply, sentJson, withStubCloud } from "../support/stubCloud.js"

describe("Keystone, Glance and Barbican (stub cloud, Zed responses)", () => {
  it.effect("validates a token: user, project, roles and expiry, with the subject in X-Subject-Token", () =>
    withStubCloud({ "GET keystone.test/v3/auth/tokens": reply(200, validation) }, (cloud) =>
      Effect.gen(function* () {
        const info = yield* Keystone.validateToken(Redacted.make("subject-token"))
        expect(info.user.name).toBe("alice")
        expect(info.project?.name).toBe("alpha")
        expect(info.roles.map((r) => r.name).sort()).toEqual(["member", "reader"])
        expect(DateTime.formatIso(info.expiresAt)).toBe(new Date(validation.token.expires_at).toISOString())
        const call = (yield* cloud.calls).at(-1)
        expect(call?.url).toBe("http://keystone.test/v3/auth/tokens?nocatalog=1")
        expect(call?.headers["X-Subject-Token"]).toBe("subject-token")
        expect(call?.headers["X-Auth-Token"]).toBe("tok-1")
      })
    )
  )

  it.effect("creates an application credential (roles, expiry) and keeps its secret Redacted", () =>
    withStubCloud(
      { "POST keystone.test/v3/users/u-alice/application_credentials": reply(201, credential) },
      (cloud) =>
        Effect.gen(function* () {
          const expiresAt = DateTime.unsafeMake("2030-01-01T00:00:00Z")
          const created = yield* Keystone.createApplicationCredential({
            name: "n",
            roles: [{ name: "member" }],
            expiresAt
          })
          expect(created.id).toBe(credential.application_credential.id)
          expect(created.roles.map((r) => r.name)).toEqual(["member"])
          expect(created.unrestricted).toBe(false)
          // Keystone leaves the zone out of expires_at: it is UTC.
          expect(created.expiresAt === null ? null : DateTime.formatIso(created.expiresAt)).toBe(
            "2030-01-01T00:00:00.000Z"
          )
          expect(Redacted.value(created.secret)).toBe("REDACTED-IN-FIXTURE")
          expect(JSON.stringify(created)).not.toContain("REDACTED-IN-FIXTURE")
          expect(sentJson((yield* cloud.calls).at(-1))).toEqual({
            application_credential: {
              name: "n",
              roles: [{ name: "member" }],
              expires_at: "2030-01-01T00:00:00.000Z"
            }
          })
          const session = yield* Session
          expect((yield* session.authentication).info.user.id).toBe("u-alice")
        })
    )
  )

  it.effect("decodes Glance images and finds one by name when the value is not an id", () =>
    withStubCloud({ "GET glance.test/v2/images": reply(200, images) }, (cloud) =>
      Effect.gen(function* () {
        const image = yield* Glance.findImage("tiny")
        expect(image).toMatchObject({
          name: "tiny",
          status: "active",
          diskFormat: "raw",
          minDisk: 0,
          visibility: "public"
        })
        expect((yield* cloud.calls).filter((c) => c.url.includes("glance"))).toHaveLength(1)
      })
    )
  )

  it.effect("stores a secret, reads it, and addresses it by id only", () =>
    withStubCloud(
      {
        "POST barbican.test/v1/secrets": reply(201, secretRef),
        "GET barbican.test/v1/secrets/c8f80246-45e9-45fa-bd61-892cbcde4acb": reply(200, secret),
        "GET barbican.test/v1/secrets": reply(200, secrets)
      },
      (cloud) =>
        Effect.gen(function* () {
          const ref = yield* Barbican.storeSecret({ name: "k", payload: Redacted.make("p4yload") })
          expect(ref).toBe(secretRef.secret_ref)
          expect(sentJson((yield* cloud.calls).at(-1))).toEqual({
            name: "k",
            payload: "p4yload",
            payload_content_type: "text/plain",
            secret_type: "opaque"
          })
          // The reference names 127.0.0.1:9311; the call goes to the catalog's Barbican.
          const fetched = yield* Barbican.getSecret(ref)
          expect(fetched).toMatchObject({
            secretRef: ref,
            status: "ACTIVE",
            secretType: "opaque",
            expiration: null
          })
          expect((yield* cloud.calls).at(-1)?.url).toBe(
            "http://barbican.test/v1/secrets/c8f80246-45e9-45fa-bd61-892cbcde4acb"
          )
          expect(
            (yield* Barbican.listSecrets({ name: "enamel-fixture-c115e548" })).map((s) => s.name)
          ).toEqual(["enamel-fixture-c115e548"])
        })
    )
  )
})
