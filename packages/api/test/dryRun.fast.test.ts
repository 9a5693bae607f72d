/**
 * `?dry_run=true` over the cloud double: a request that fits answers 200 with its plan (names resolved
 * to ids, what would be made, the quotas it needs) and makes nothing (only reads reach the cloud, no
 * task is stored); one over a quota answers 409 `quota.exceeded` naming it; the admission's refusals are
 * the same as a real request's; `dry_run` other than true/false is a 400; `false` makes the task.
 */
import { describe, expect, layer } from "@effect/vitest"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import { activeServerOf, send, TestApi, tokens } from "./harness.js"

const cloud = Effect.flatMap(CloudDouble.CloudDouble, (double) => double.seeded.pipe(Effect.as(double)))

/** What reached the cloud while `body` ran: the methods of the calls that landed. */
const callsDuring = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const double = yield* cloud
    const before = (yield* double.calls).length
    const result = yield* body
    const during = (yield* double.calls).slice(before).filter((call) => call.service !== "keystone")
    return { result, methods: [...new Set(during.map((call) => call.method))] }
  })

const servers = {
  name: "dry",
  count: 2,
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 2 },
  networks: [{ network: "private", floating_ip: { network: "public" } }]
}

/** alice's tasks, in every state. */
const aliceTasks = Effect.map(
  send("GET", "/tasks?state=all", { token: tokens.alice }),
  (answer) => (answer.body as { tasks: ReadonlyArray<unknown> }).tasks.length
)

describe("dry run (?dry_run=true)", () => {
  layer(TestApi, { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("a server.create that fits: 200 with the plan, nothing made, no task", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const seeded = yield* double.seeded
        const tasksBefore = yield* aliceTasks
        const { result: answer, methods } = yield* callsDuring(
          send("POST", "/servers?dry_run=true", { token: tokens.alice, body: servers })
        )
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        const { dry_run: plan } = answer.body as { dry_run: Record<string, unknown> }
        expect(plan).toMatchObject({
          type: "server.create",
          resolved: {
            "image:tiny": seeded.images.tiny,
            "flavor:m1.tiny": seeded.flavors["m1.tiny"],
            "network:private": seeded.networks["alpha/private"],
            "network:public": seeded.networks["public/public"] ?? expect.any(String)
          },
          creates: { server: 2, volume: 2, port: 2, floating_ip: 2 },
          deletes: {},
          quotas_unchecked: []
        })
        const quotas = plan.quotas as ReadonlyArray<{ service: string; quota: string; needed: number }>
        expect(quotas.map((q) => [q.service, q.quota, q.needed])).toEqual([
          ["compute", "instances", 2],
          ["compute", "cores", 2],
          ["compute", "ram", 1024],
          ["volume", "volumes", 2],
          ["volume", "gigabytes", 4],
          ["network", "port", 2],
          ["network", "floatingip", 2]
        ])
        expect(quotas[0]).toEqual({ service: "compute", quota: "instances", limit: 50, used: 0, needed: 2 })
        expect(yield* aliceTasks).toBe(tasksBefore)
        const after = yield* double.snapshot
        expect(JSON.stringify(after)).not.toContain('"dry')
      })
    )

    it.effect("over the volume quota: 409 quota.exceeded naming it, its limit, use and need", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        yield* double.setQuota("alpha", { volumes: 1 })
        const answer = yield* send("POST", "/servers?dry_run=true", { token: tokens.alice, body: servers })
        yield* double.setQuota("alpha", { volumes: 50 })
        expect(answer.status).toBe(409)
        const [error] = (answer.body as { errors: ReadonlyArray<{ code: string; detail: string }> }).errors
        expect(error?.code).toBe("quota.exceeded")
        expect(error?.detail).toContain("volume quota volumes: limit 1, used 0, the request needs 2 more")
      })
    )

    it.effect("network.create: the plan, and Neutron's router quota exceeded", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const body = { name: "dry-net", cidr: "10.77.0.0/24" }
        const { result: answer, methods } = yield* callsDuring(
          send("POST", "/networks?dry_run=true", { token: tokens.alice, body })
        )
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: {
            type: "network.create",
            resolved: { cidr: "10.77.0.0/24" },
            creates: { network: 1, subnet: 1, router: 1, port: 1 }
          }
        })
        yield* double.setQuota("alpha", { routers: 0 })
        const refused = yield* send("POST", "/networks?dry_run=true", { token: tokens.alice, body })
        yield* double.setQuota("alpha", { routers: 20 })
        expect(refused.status).toBe(409)
        expect(JSON.stringify(refused.body)).toContain(
          "network quota router: limit 0, used 0, the request needs 1 more"
        )
      })
    )

    it.effect("the admission and the first stage refuse as for a real request (404, 409 unresolved)", () =>
      Effect.gen(function* () {
        const missing = yield* send(
          "POST",
          "/servers/0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11/volumes?dry_run=true",
          {
            token: tokens.alice,
            body: { size_gb: 1 }
          }
        )
        expect(missing.status).toBe(404)
        const unresolved = yield* send("POST", "/servers?dry_run=true", {
          token: tokens.alice,
          body: { ...servers, flavor: "m1.nope" }
        })
        expect(unresolved.status).toBe(409)
        expect(JSON.stringify(unresolved.body)).toContain("server.request_unresolved")
      })
    )

    it.effect("server.volume.attach: a new volume's plan, and over Cinder's gigabytes quota a 409", () =>
      Effect.gen(function* () {
        const double = yield* cloud
        const serverId = yield* activeServerOf("alice", "dry-attach")
        const path = `/servers/${serverId}/volumes?dry_run=true`
        const { result: answer, methods } = yield* callsDuring(
          send("POST", path, { token: tokens.alice, body: { size_gb: 3 } })
        )
        expect(answer.status).toBe(200)
        expect(methods).toEqual(["GET"])
        expect(answer.body).toMatchObject({
          dry_run: {
            type: "server.volume.attach",
            resolved: { [`server:${serverId}`]: serverId },
            creates: { volume: 1 },
            quotas: [
              { service: "volume", quota: "volumes", needed: 1 },
              { service: "volume", quota: "gigabytes", needed: 3 }
            ]
          }
        })
        yield* double.setQuota("alpha", { gigabytes: 2 })
        const refused = yield* send("POST", path, { token: tokens.alice, body: { size_gb: 3 } })
        yield* double.setQuota("alpha", { gigabytes: 1000 })
        expect(refused.status).toBe(409)
        expect(JSON.stringify(refused.body)).toContain("volume quota gigabytes: limit 2 GiB")
        const unknownType = yield* send("POST", path, {
          token: tokens.alice,
          body: { size_gb: 1, volume_type: "nope" }
        })
        expect(unknownType.status).toBe(409)
        expect(JSON.stringify(unknownType.body)).toContain("volume type nope not found")
      })
    )

    it.effect("dry_run other than true or false is a 400; false makes the task", () =>
      Effect.gen(function* () {
        const bad = yield* send("POST", "/networks?dry_run=yes", {
          token: tokens.alice,
          body: { name: "dry-bad" }
        })
        expect(bad.status).toBe(400)
        expect(JSON.stringify(bad.body)).toContain("dry_run")
        const real = yield* send("POST", "/networks?dry_run=false", {
          token: tokens.alice,
          body: { name: "dry-real", cidr: "10.78.0.0/24" }
        })
        expect(real.status).toBe(202)
        expect(real.body).toMatchObject({ task: { type: "network.create" } })
      })
    )
  })
})
