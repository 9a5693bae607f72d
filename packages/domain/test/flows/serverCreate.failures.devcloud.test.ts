/**
 * `server.create` failing at each stage, against the real dev cloud: whatever had been made is undone,
 * and nothing (server, volume, port, floating IP, imported keypair) is left. Failures are injected by a
 * transport that refuses one call; a server that goes to ERROR and a cancel are real.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Session, Sessions } from "@enamel/openstack-clients"
import { Deferred, Effect, Layer } from "effect"
import { Admin } from "../../../openstack-clients/test/support/admin.js"
import { sessionOptions } from "../../../openstack-clients/test/support/cloud.js"
import * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import type { TimelineWrite } from "../../src/engine/task/TimelineEntry.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import {
  aliceCloud,
  createRequest,
  type Fault,
  faultyCloud,
  fullServer,
  keypairCleanUp,
  keypairExists,
  leftovers,
  newTask,
  nothingLeft,
  sshPublicKey,
  timeout,
  uniqueName
} from "./support/devcloud.js"
import { failed, states, timeline } from "./support/expectations.js"

const uuid = "[0-9a-f-]{36}"

/** One call refused with a definitive error, and the stage that must fail on it. */
const atEachStage: ReadonlyArray<{ readonly stage: string; readonly fault: Fault }> = [
  { stage: "importKeypair", fault: { method: "POST", path: /\/os-keypairs$/, mode: "refuse", status: 400 } },
  {
    stage: "server[0]/createBootVolume",
    fault: { method: "POST", path: /\/volumes$/, mode: "refuse", status: 400 }
  },
  {
    stage: "server[0]/waitVolumeAvailable",
    fault: { method: "GET", path: new RegExp(`/volumes/${uuid}$`), mode: "refuse", status: 403 }
  },
  {
    stage: "server[0]/network[0]/createPort",
    fault: { method: "POST", path: /\/v2\.0\/ports$/, mode: "refuse", status: 400 }
  },
  {
    // The port is made, tagging it fails: the client deletes it again, nothing untagged stays.
    stage: "server[0]/network[0]/createPort",
    fault: { method: "PUT", path: new RegExp(`/ports/${uuid}/tags$`), mode: "refuse", status: 400 }
  },
  {
    stage: "server[0]/network[0]/createFloatingIp",
    fault: { method: "POST", path: /\/floatingips$/, mode: "refuse", status: 400 }
  },
  {
    stage: "server[0]/network[0]/createFloatingIp",
    fault: { method: "PUT", path: new RegExp(`/floatingips/${uuid}/tags$`), mode: "refuse", status: 400 }
  },
  {
    stage: "server[0]/bootServer",
    fault: { method: "POST", path: /\/servers$/, mode: "refuse", status: 400 }
  },
  {
    stage: "server[0]/waitServerActive",
    fault: { method: "GET", path: new RegExp(`/servers/${uuid}$`), mode: "refuse", status: 403 }
  }
]

const live = Layer.provideMerge(Admin.Default, aliceCloud)

describe("server.create failures on the dev cloud", () => {
  layer(live, { timeout, excludeTestServices: true })((it) => {
    for (const { stage, fault } of atEachStage) {
      it.scoped(
        `a failure in ${stage} (${fault.method} ${fault.path.source} → ${fault.status}) undoes everything`,
        () =>
          Effect.gen(function* () {
            const name = uniqueName("fail")
            const keypair = uniqueName("key")
            const taskId = yield* newTask([name])
            yield* keypairCleanUp(keypair)
            const params = fullServer(name, { keypair: { name: keypair, public_key: sshPublicKey() } })
            const outcome = yield* failed(
              yield* runFlow(ServerCreate.flow, { taskId, params }).pipe(Effect.provide(faultyCloud([fault])))
            )
            const entries = yield* timeline(taskId)
            // The injected stage failed for the injected reason. Under load another branch may fail on its
            // own first (e.g. a server the busy cloud puts in ERROR): the task reports the first definitive
            // failure, so it names the injected stage or another stage that failed for good.
            const definitive = entries.filter((e) => e.phase === "run" && e.state === "FAILED")
            expect(definitive.find((e) => e.path === stage)?.error?.message).toContain("injected")
            expect(definitive.map((e) => e.path)).toContain(outcome.error.stage)
            expect(outcome.compensation.failed).toEqual([])
            // Every stage that completed and has an undo was undone.
            const undone = states(entries, "compensate").map((s) => s.split("#")[0])
            expect([...outcome.compensation.compensated].sort()).toEqual([...undone].sort())
            expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
            expect(yield* keypairExists(keypair)).toBe(false)
          }),
        { timeout: 120_000, concurrent: true }
      )
    }

    it.scoped(
      "with 3 servers, the second boot failing undoes all three (all or nothing)",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("fail3")
          const names = [`${name}-1`, `${name}-2`, `${name}-3`]
          const taskId = yield* newTask(names)
          const fault: Fault = { method: "POST", path: /\/servers$/, mode: "refuse", status: 400, after: 1 }
          const outcome = yield* failed(
            yield* runFlow(ServerCreate.flow, { taskId, params: fullServer(name, { count: 3 }) }).pipe(
              Effect.provide(faultyCloud([fault]))
            )
          )
          expect(outcome.error.stage).toMatch(/^server\[\d\]\/bootServer$/)
          expect(outcome.compensation.failed).toEqual([])
          expect(outcome.compensation.compensated.some((path) => path.endsWith("bootServer"))).toBe(true)
          expect(yield* leftovers(taskId, names)).toEqual(nothingLeft)
        }),
      { timeout: 120_000, concurrent: true }
    )

    it.scoped(
      "over the project's instances quota: quota.exceeded at resolveRequest, the first stage, nothing made",
      () =>
        Effect.gen(function* () {
          const admin = yield* Admin
          const project = yield* admin.throwawayProject
          yield* admin.setQuotas(project.projectId, { instances: 1 })
          const member = yield* Sessions.make(sessionOptions(project.profile))
          const name = uniqueName("quota")
          const taskId = crypto.randomUUID()
          const params = createRequest({
            name,
            count: 2,
            image: "tiny",
            flavor: "m1.tiny",
            boot_volume: { size_gb: 1 },
            networks: [{ network: "public" }]
          })
          const started = Date.now()
          const outcome = yield* failed(
            yield* runFlow(ServerCreate.flow, { taskId, params }).pipe(Effect.provideService(Session, member))
          )
          expect(Date.now() - started).toBeLessThan(10_000)
          expect(outcome.error).toMatchObject({ code: "quota.exceeded", stage: "resolveRequest" })
          expect(outcome.error.message).toContain(
            "compute quota instances: limit 1, used 0, the request needs 2 more"
          )
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toEqual(["resolveRequest#1:FAILED"])
          expect(
            yield* leftovers(taskId, [`${name}-1`, `${name}-2`]).pipe(Effect.provideService(Session, member))
          ).toEqual(nothingLeft)
        }),
      { timeout: 120_000, concurrent: true }
    )

    it.scoped(
      "a server that goes to ERROR fails with Nova's fault message, and everything is undone",
      () =>
        Effect.gen(function* () {
          const admin = yield* Admin
          // A root disk no host has: the scheduler finds no valid host (booting from the image, not a volume).
          const flavor = yield* admin.flavor({ disk: 10_000_000 })
          const name = uniqueName("error")
          const taskId = yield* newTask([name])
          const params = createRequest({
            name,
            image: "tiny",
            flavor,
            networks: [{ network: "private", floating_ip: { network: "public" } }]
          })
          const outcome = yield* failed(yield* runFlow(ServerCreate.flow, { taskId, params }))
          expect(outcome.error).toMatchObject({
            code: "openstack.resource_failed",
            stage: "server[0]/waitServerActive"
          })
          expect(outcome.error.message).toMatch(/No valid host/)
          expect(outcome.compensation.failed).toEqual([])
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 120_000, concurrent: true }
    )

    it.scoped(
      "a cancel while waiting for ACTIVE interrupts the wait and undoes everything",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("cancel")
          const taskId = yield* newTask([name])
          const waiting = yield* Deferred.make<void>()
          // The store tells us when the wait for ACTIVE has started; that is when the user cancels.
          const store = yield* Checkpoints.Checkpoints
          const waitStarted = (entries: ReadonlyArray<TimelineWrite>) =>
            entries.some((e) => e.path.endsWith("waitServerActive") && e.state === "RUNNING")
              ? Deferred.succeed(waiting, undefined)
              : Effect.void
          const watched = Checkpoints.Checkpoints.of({
            timeline: store.timeline,
            record: (entry) => Effect.zipLeft(store.record(entry), waitStarted([entry])),
            recordAll: (entries) => Effect.zipLeft(store.recordAll(entries), waitStarted(entries))
          })
          const outcome = yield* runFlow(ServerCreate.flow, {
            taskId,
            params: fullServer(name),
            cancellation: Deferred.await(waiting)
          }).pipe(Effect.provideService(Checkpoints.Checkpoints, watched))
          expect(outcome._tag).toBe("Cancelled")
          if (outcome._tag !== "Cancelled") return
          expect(outcome.compensation.failed).toEqual([])
          expect(outcome.compensation.compensated).toContain("server[0]/bootServer")
          const entries = yield* timeline(taskId)
          expect(states(entries, "run")).toContain("server[0]/waitServerActive#1:INTERRUPTED")
          expect(states(entries, "flow")).toEqual(["$flow#1:CANCELLED"])
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 120_000, concurrent: true }
    )
  })
})
