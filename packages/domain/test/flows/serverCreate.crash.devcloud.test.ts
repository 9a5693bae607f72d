/**
 * `server.create` cut off and resumed, against the real dev cloud: a crash right after a stage (its result
 * recorded, or lost so that the stage is in doubt), then a resume that finishes the task; and creates
 * whose reply was lost. Each time the task ends with exactly one server, volume, port and floating IP.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { dyingStore } from "../../../../test/support/dyingStore.js"
import * as Checkpoints from "../../src/engine/flow/Checkpoints.js"
import { runFlow } from "../../src/engine/flow/runFlow.js"
import * as ServerCreate from "../../src/flows/server-create/index.js"
import type { CreateServersResult } from "../../src/flows/server-create/result.js"
import {
  aliceCloud,
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
import { expectBuilt, states, succeeded, timeline } from "./support/expectations.js"

/** Exactly one of each, and they are the ones the result names. */
const expectExactlyOne = (taskId: string, name: string, result: CreateServersResult) =>
  Effect.gen(function* () {
    const [server] = result.servers
    if (server === undefined) return yield* Effect.dieMessage("no server in the result")
    const left = yield* leftovers(taskId, [name])
    expect(left.servers).toEqual([server.id])
    expect(left.volumes).toEqual([server.volume_id])
    expect(left.ports).toEqual(server.ports.map((p) => p.id))
    expect(left.floating_ips).toEqual(server.floating_ips.map((ip) => ip.id))
    yield* expectBuilt(server)
  })

const crashes: ReadonlyArray<{ readonly stage: string; readonly resultLost: boolean }> = [
  { stage: "resolveRequest", resultLost: false },
  { stage: "importKeypair", resultLost: true },
  { stage: "server[0]/createBootVolume", resultLost: true },
  { stage: "server[0]/waitVolumeAvailable", resultLost: true },
  { stage: "server[0]/network[0]/createPort", resultLost: true },
  { stage: "server[0]/network[0]/createFloatingIp", resultLost: true },
  { stage: "server[0]/bootServer", resultLost: true },
  { stage: "server[0]/waitServerActive", resultLost: false }
]

/** A create whose reply is lost, and how its stage recovers (the attempts the timeline shows). */
const lostReplies: ReadonlyArray<{
  readonly stage: string
  readonly fault: Fault
  readonly attempts: ReadonlyArray<string>
}> = [
  {
    // Cinder has the volume, with its token in the metadata: found and adopted at once.
    stage: "server[0]/createBootVolume",
    fault: { method: "POST", path: /\/volumes$/, mode: "loseReply", status: 503 },
    attempts: ["SUCCEEDED"]
  },
  {
    // The port was made but never tagged: it is deleted, and the retry makes a tagged one.
    stage: "server[0]/network[0]/createPort",
    fault: { method: "POST", path: /\/v2\.0\/ports$/, mode: "loseReply", status: 503 },
    attempts: ["RETRYING", "SUCCEEDED"]
  },
  {
    stage: "server[0]/network[0]/createFloatingIp",
    fault: { method: "POST", path: /\/floatingips$/, mode: "loseReply", status: 503 },
    attempts: ["RETRYING", "SUCCEEDED"]
  },
  {
    // Nova has the server, with the task's tag and the token in its metadata: adopted at once.
    stage: "server[0]/bootServer",
    fault: { method: "POST", path: /\/servers$/, mode: "loseReply", status: 503 },
    attempts: ["SUCCEEDED"]
  }
]

describe("server.create crashes and lost replies on the dev cloud", () => {
  layer(aliceCloud, { timeout, excludeTestServices: true })((it) => {
    for (const { stage, resultLost } of crashes) {
      it.scoped(
        `a crash right after ${stage} ${resultLost ? "ran (its result lost)" : "was recorded"}, then a resume: no duplicate`,
        () =>
          Effect.gen(function* () {
            const name = uniqueName("crash")
            const keypair = uniqueName("key")
            const taskId = yield* newTask([name])
            yield* keypairCleanUp(keypair)
            const params = fullServer(name, { keypair: { name: keypair, public_key: sshPublicKey() } })
            const store = yield* dyingStore(
              (e) => e.phase === "run" && e.path === stage && e.state === "SUCCEEDED",
              !resultLost
            )
            const crashed = yield* Effect.exit(
              runFlow(ServerCreate.flow, { taskId, params }).pipe(
                Effect.provideService(Checkpoints.Checkpoints, store)
              )
            )
            expect(Exit.isInterrupted(crashed)).toBe(true)

            const result = yield* succeeded(yield* runFlow(ServerCreate.flow, { taskId, params }))
            yield* expectExactlyOne(taskId, name, result)
            expect(yield* keypairExists(keypair)).toBe(true)
            // A stage whose result was lost ran again, and adopted what its first attempt had made.
            const ran = states(yield* timeline(taskId), "run")
            expect(ran).toContain(`${stage}#${resultLost ? 2 : 1}:SUCCEEDED`)
          }),
        { timeout: 120_000, concurrent: true }
      )
    }

    for (const { stage, fault, attempts } of lostReplies) {
      it.scoped(
        `a create in ${stage} whose reply is lost (${fault.status}) is adopted, not duplicated`,
        () =>
          Effect.gen(function* () {
            const name = uniqueName("lost")
            const taskId = yield* newTask([name])
            const result = yield* succeeded(
              yield* runFlow(ServerCreate.flow, { taskId, params: fullServer(name) }).pipe(
                Effect.provide(faultyCloud([fault]))
              )
            )
            yield* expectExactlyOne(taskId, name, result)
            const ran = states(yield* timeline(taskId), "run").filter((s) => s.startsWith(`${stage}#`))
            expect(ran).toEqual(attempts.map((state, i) => `${stage}#${i + 1}:${state}`))
          }),
        { timeout: 120_000, concurrent: true }
      )
    }

    it.scoped(
      "a crash while undoing (the server deleted, its undo not recorded), then a resume: unwinding finishes",
      () =>
        Effect.gen(function* () {
          const name = uniqueName("unwind")
          const taskId = yield* newTask([name])
          const params = fullServer(name)
          // The wait for ACTIVE fails for good, so the run unwinds; it dies right after deleting the server.
          const refuseWait: Fault = {
            method: "GET",
            path: /\/servers\/[0-9a-f-]{36}$/,
            mode: "refuse",
            status: 403
          }
          const store = yield* dyingStore(
            (e) => e.phase === "compensate" && e.path === "server[0]/bootServer" && e.state === "SUCCEEDED",
            false
          )
          const crashed = yield* Effect.exit(
            runFlow(ServerCreate.flow, { taskId, params }).pipe(
              Effect.provideService(Checkpoints.Checkpoints, store),
              Effect.provide(faultyCloud([refuseWait]))
            )
          )
          expect(Exit.isInterrupted(crashed)).toBe(true)

          const outcome = yield* runFlow(ServerCreate.flow, { taskId, params })
          expect(outcome._tag).toBe("Failed")
          if (outcome._tag !== "Failed") return
          expect(outcome.error.stage).toBe("server[0]/waitServerActive")
          expect(outcome.compensation.failed).toEqual([])
          // The server's undo ran again and found it already gone; the other undos ran once.
          const undone = states(yield* timeline(taskId), "compensate")
          expect(undone).toContain("server[0]/bootServer#2:SUCCEEDED")
          expect(undone).toContain("server[0]/createBootVolume#1:SUCCEEDED")
          expect(yield* leftovers(taskId, [name])).toEqual(nothingLeft)
        }),
      { timeout: 120_000, concurrent: true }
    )
  })
})
