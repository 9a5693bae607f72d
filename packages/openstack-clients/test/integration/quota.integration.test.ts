import { describe, expect, layer } from "@effect/vitest"
import { Cinder, Glance, Neutron, Nova, Session, Sessions } from "@enamel/openstack-clients"
import { Effect, Layer } from "effect"
import { Admin } from "../support/admin.js"
import { cloudLayer, sessionOptions, uniqueName } from "../support/cloud.js"
import { quotaReadings } from "../support/quotas.js"

// The throw-away project's member acts; admin only sets the quotas. alice's session finds shared things.
const live = Layer.provideMerge(Admin.Default, cloudLayer("alice"))

describe("over quota (dev cloud, a throw-away project with tiny quotas)", () => {
  layer(live, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped(
      "Nova 403, Cinder 413 and Neutron 409 quota refusals are all OverQuota, in each service's words",
      () =>
        Effect.gen(function* () {
          const admin = yield* Admin
          const [image, flavor, publicNet] = yield* Effect.all([
            Glance.findImage("tiny"),
            Nova.findFlavor("m1.tiny"),
            Neutron.findNetwork("public")
          ])
          const project = yield* admin.throwawayProject
          yield* admin.setQuotas(project.projectId, { instances: 0, volumes: 0, ports: 0 })
          const member = yield* Sessions.make(sessionOptions(project.profile))
          const asMember = Effect.provideService(Session, member)
          const name = uniqueName("quota")

          const [server, volume, port] = yield* Effect.all(
            [
              Effect.flip(
                Nova.createServer({ name, flavorId: flavor.id, imageId: image.id, networks: "none" }).pipe(
                  asMember
                )
              ),
              Effect.flip(Cinder.createVolume({ size: 1, name }).pipe(asMember)),
              Effect.flip(Neutron.createPort({ networkId: publicNet.id, name }).pipe(asMember))
            ],
            { concurrency: "unbounded" }
          )

          expect(server).toMatchObject({
            _tag: "OpenStackOverQuota",
            service: "nova",
            status: 403
          })
          expect(server.message).toContain("Quota exceeded for instances")
          expect(server.requestId).toMatch(/^req-/)

          expect(volume).toMatchObject({ _tag: "OpenStackOverQuota", service: "cinder", status: 413 })
          expect(volume.message).toContain("VolumeLimitExceeded")

          expect(port).toMatchObject({ _tag: "OpenStackOverQuota", service: "neutron", status: 409 })
          expect(port.message).toContain("Quota exceeded for resources")
        })
    )
  })
})

describe("the project's quotas (dev cloud, alice)", () => {
  layer(cloudLayer("alice"), { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped("Nova's limits, the user's keypairs, Cinder's limits and Neutron's quota details", () =>
      quotaReadings(uniqueName("quota-key"))
    )
  })
})
