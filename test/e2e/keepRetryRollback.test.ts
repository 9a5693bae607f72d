/**
 * `on_failure: "keep"` through the whole product on the dev cloud (issue #20): a server that goes to
 * ERROR fails its task at the last stage (waitServerActive). Kept, the task is FAILED and held and the
 * cloud still has what it made; retried, it resumes at that stage only (the server stays in ERROR, so it
 * is held again, the stage at its second attempt, nothing before it run again); rolled back, it undoes
 * everything and ends ROLLED_BACK with nothing left in the project. The fault is real, in a throw-away
 * project: a flavor that asks for more disk than any host has.
 */
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Nova, Session, type SessionShape, Sessions } from "@enamel/openstack-clients"
import { Context, Duration, Effect, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import { serverNames } from "../../packages/domain/src/flows/server-create/plan.js"
import { leftovers, nothingLeft } from "../../packages/domain/test/flows/support/devcloud.js"
import { Admin } from "../../packages/openstack-clients/test/support/admin.js"
import {
  sessionOptions,
  testSettings,
  uniqueName
} from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "./enamel.js"

const namespace = uniqueName("keep")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

class KeptProject extends Context.Tag("test/KeptProject")<
  KeptProject,
  { readonly member: SessionShape; readonly network: string; readonly hugeFlavor: string }
>() {}

const KeptProjectLive = Layer.scoped(
  KeptProject,
  Effect.gen(function* () {
    const admin = yield* Admin
    const project = yield* admin.throwawayProject
    const network = yield* admin.network(project.projectId, {
      cidr: "10.9.3.0/24",
      first: "10.9.3.10",
      last: "10.9.3.200"
    })
    const hugeFlavor = yield* admin.flavor({ disk: 10_000_000 })
    const member = yield* Sessions.make(sessionOptions(project.profile))
    yield* deleteUserKeysAtEnd(member)
    return { member, network: network.name, hugeFlavor }
  })
)

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace))
)
const live = Layer.provideMerge(KeptProjectLive, Layer.provideMerge(Admin.Default, Enamel))

const Task = Schema.Struct({
  state: Schema.String,
  on_failure: Schema.String,
  held: Schema.Boolean,
  error: Schema.NullOr(Schema.Struct({ code: Schema.String, stage: Schema.optional(Schema.String) })),
  timeline: Schema.Array(
    Schema.Struct({ stage: Schema.String, phase: Schema.String, state: Schema.String, attempt: Schema.Int })
  )
})
const decodeTask = (u: unknown) => Effect.orDie(Schema.decodeUnknown(Task)(u))

const asMember = (member: SessionShape) =>
  Effect.provide(Layer.merge(Layer.succeed(Session, member), testSettings))

describe("keep, then retry or roll back, on the dev cloud", () => {
  layer(live, { timeout: Duration.minutes(4), excludeTestServices: true })((it) => {
    it.scoped(
      "held at waitServerActive; a retry runs that stage only and is held again; a rollback leaves nothing",
      () =>
        Effect.gen(function* () {
          const { member, network, hugeFlavor } = yield* KeptProject
          const name = uniqueName("kept")
          const accepted = yield* call("POST", "/servers", yield* tokenOf(member), {
            name,
            image: "tiny",
            flavor: hugeFlavor,
            networks: [{ network }],
            on_failure: "keep"
          })
          expect(accepted.status, JSON.stringify(accepted.body)).toBe(202)
          const taskId = (accepted.body as TaskBody).task.id
          const held = yield* decodeTask(yield* finished(taskId, member))
          expect(held).toMatchObject({
            state: "FAILED",
            on_failure: "keep",
            held: true,
            error: { code: "openstack.resource_failed", stage: "server[0]/waitServerActive" }
          })
          expect(held.timeline.filter((e) => e.phase === "compensate")).toEqual([])
          // Kept: the server (in ERROR) is still there.
          const servers = yield* asMember(member)(Nova.listServers())
          expect(servers.map((s) => s.name)).toEqual(serverNames(name, 1))

          const retry = yield* call("POST", `/tasks/${taskId}/retry`, yield* tokenOf(member))
          expect(retry.status, JSON.stringify(retry.body)).toBe(202)
          const again = yield* decodeTask(yield* finished(taskId, member))
          expect(again).toMatchObject({
            state: "FAILED",
            held: true,
            error: { stage: "server[0]/waitServerActive" }
          })
          const runs = again.timeline.filter((e) => e.phase === "run" && e.state !== "RUNNING")
          for (const entry of runs) {
            if (entry.stage !== "server[0]/waitServerActive") expect(entry.attempt).toBe(1)
          }
          expect(
            runs.filter((e) => e.stage === "server[0]/waitServerActive").map((e) => `${e.attempt}:${e.state}`)
          ).toEqual(["1:FAILED", "2:FAILED"])

          const rollback = yield* call("POST", `/tasks/${taskId}/rollback`, yield* tokenOf(member))
          expect(rollback.status, JSON.stringify(rollback.body)).toBe(202)
          const rolledBack = yield* decodeTask(yield* finished(taskId, member))
          expect(rolledBack).toMatchObject({ state: "ROLLED_BACK", held: false })
          expect(yield* asMember(member)(leftovers(taskId, serverNames(name, 1)))).toEqual(nothingLeft)
          expect(yield* asMember(member)(Nova.listServers())).toEqual([])
          const refused = yield* call("POST", `/tasks/${taskId}/retry`, yield* tokenOf(member))
          expect(refused.status).toBe(409)
        }),
      { timeout: 240_000 }
    )
  })
})
