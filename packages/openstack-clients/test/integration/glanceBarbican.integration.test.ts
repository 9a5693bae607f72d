import { describe, expect, layer } from "@effect/vitest"
import { Barbican, Glance, RequestLog } from "@enamel/openstack-clients"
import { DateTime, Effect, Redacted } from "effect"
import { cloudLayer, uniqueName } from "../support/cloud.js"
import { scopedSecret } from "../support/resources.js"

const missingId = "00000000-0000-4000-8000-000000000000"

describe("Glance and Barbican (dev cloud, as enamel)", () => {
  layer(cloudLayer("enamel"), { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("finds images by name and id; unknown ones are NotFound in Glance's words", () =>
      Effect.gen(function* () {
        const tiny = yield* Glance.findImage("tiny")
        expect(tiny).toMatchObject({
          name: "tiny",
          status: "active",
          visibility: "public",
          diskFormat: "raw",
          size: 1048576
        })
        expect(yield* Glance.findImage(tiny.id)).toEqual(tiny)
        expect(yield* Glance.getImage(tiny.id)).toEqual(tiny)
        expect((yield* Glance.listImages({ pageSize: 1 })).map((i) => i.id)).toContain(tiny.id)

        const missing = yield* Effect.flip(Glance.getImage(missingId))
        expect(missing).toMatchObject({ _tag: "OpenStackNotFound", status: 404, service: "glance" })
        expect(missing.message).toBe(`No image found with ID ${missingId}`)
        expect(missing.requestId).toMatch(/^req-/)
        const unnamed = yield* Effect.flip(Glance.findImage("no-such-image"))
        expect(unnamed.message).toBe('no image named or with id "no-such-image"')
      })
    )

    it.effect("every call is reported with the service's request id; the global request id is accepted", () =>
      Effect.gen(function* () {
        const memory = yield* RequestLog.makeMemory
        const globalId = yield* RequestLog.makeGlobalRequestId
        expect(globalId).toMatch(RequestLog.globalRequestIdPattern)
        yield* Effect.all([
          Glance.findImage("tiny"),
          Barbican.listSecrets({ name: uniqueName("none") })
        ]).pipe(
          Effect.provideService(RequestLog.RequestLog, memory.log),
          Effect.provideService(RequestLog.GlobalRequestId, globalId)
        )
        const entries = yield* memory.entries
        expect(entries.map((e) => `${e.service} ${e.method} ${e.status}`)).toEqual([
          "glance GET 200",
          "barbican GET 200"
        ])
        for (const entry of entries) {
          // (Glance adopts an inbound request id as its own; oslo.middleware services log it as global.)
          expect(entry.requestId).toMatch(/^req-[0-9a-f-]{36}$/)
          expect(entry.durationMs).toBeGreaterThanOrEqual(0)
        }
      })
    )

    it.scoped("secrets: store, read metadata and payload, list by name, delete", () =>
      Effect.gen(function* () {
        const name = uniqueName("secret")
        const expiration = DateTime.add(yield* DateTime.now, { days: 1 })
        const ref = yield* scopedSecret({ name, payload: Redacted.make("s3cr3t payload ✓"), expiration })
        expect(ref).toMatch(/^http:\/\/127\.0\.0\.1:9311\/v1\/secrets\/[0-9a-f-]{36}$/)
        const secret = yield* Barbican.getSecret(ref)
        expect(secret).toMatchObject({ secretRef: ref, name, status: "ACTIVE", secretType: "opaque" })
        const payload = yield* Barbican.getSecretPayload(ref)
        expect(Redacted.value(payload)).toBe("s3cr3t payload ✓")
        expect(String(payload)).not.toContain("s3cr3t")

        const second = yield* scopedSecret({ name, payload: Redacted.make("another") })
        const listed = yield* Barbican.listSecrets({ name, pageSize: 1 })
        expect(listed.map((s) => s.secretRef).sort()).toEqual([ref, second].sort())

        yield* Barbican.deleteSecret(ref)
        const gone = yield* Effect.flip(Barbican.getSecretPayload(ref))
        expect(gone).toMatchObject({ _tag: "OpenStackNotFound", status: 404, service: "barbican" })
        expect(gone.message).toBe("Secret not found.")
        expect((yield* Barbican.listSecrets({ name })).map((s) => s.secretRef)).toEqual([second])
        expect((yield* Effect.flip(Barbican.deleteSecret(ref)))._tag).toBe("OpenStackNotFound")
      })
    )
  })
})
