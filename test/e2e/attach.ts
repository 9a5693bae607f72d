/**
 * What the attach and detach end-to-end tests share: the API with in-process workers serving the topics
 * they need, in the file's own namespace, and calls made and checked as alice.
 */
import { removeTopology } from "@enamel/broker/testing"
import { type OpenStackClients, Session, type SessionShape } from "@enamel/openstack-clients"
import { Effect, Layer, Schema } from "effect"
import { afterAll, expect } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { call, deleteUserKeysAtEnd, enamelApi, finished, inProcessWorkerSettings, tokenOf } from "./enamel.js"

/**
 * The API with in-process workers serving `topics` (task type → tasks at once) in a namespace of its
 * own, whose exchange and queues are removed when the file ends.
 */
export const enamelServing = (name: string, topics: Readonly<Record<string, number>>) => {
  const namespace = uniqueName(name)
  afterAll(() => Effect.runPromise(removeTopology({ namespace, topics: Object.keys(topics), own: true })))
  const served = Object.entries(topics).map(([topic, concurrency]) => `${topic}=${concurrency}`)
  return enamelApi(workerPools(CloudFlows.layer)).pipe(
    Layer.provide(inProcessWorkerSettings(namespace, [["ENAMEL_WORKER_TOPICS", served.join(",")]]))
  )
}

/** Runs `effect` as alice in the cloud. */
export const asAlice =
  (alice: SessionShape) =>
  <A, E>(effect: Effect.Effect<A, E, Session | OpenStackClients.OpenStackClients>) =>
    Effect.provideService(effect, Session, alice)

/**
 * Alice for one test: her session, her keys deleted when the test's scope closes, her current token,
 * and `asAlice`.
 */
export const aliceForTest = Effect.gen(function* () {
  const alice = yield* sessionFor("alice")
  yield* deleteUserKeysAtEnd(alice)
  return { alice, cloud: asAlice(alice), token: yield* tokenOf(alice) }
})

const Accepted = Schema.Struct({ task: Schema.Struct({ id: Schema.String }) })
const ErrorAnswer = Schema.Struct({
  errors: Schema.NonEmptyArray(Schema.Struct({ code: Schema.String, detail: Schema.String }))
})

/** Sends a porcelain call, expects 202, and waits for its task to succeed; its result. */
export const succeeds = (method: string, path: string, token: string, body?: unknown) =>
  Effect.gen(function* () {
    const answer = yield* call(method, path, token, body)
    expect(answer.status, JSON.stringify(answer.body)).toBe(202)
    const accepted = yield* Schema.decodeUnknown(Accepted)(answer.body)
    const task = yield* finished(accepted.task.id, token)
    expect(task.state, JSON.stringify(task.error)).toBe("SUCCEEDED")
    return task.result as unknown
  })

/** Sends a call the API must refuse: its status and the one error's code and detail. */
export const refused = (method: string, path: string, token: string, body?: unknown) =>
  Effect.gen(function* () {
    const answer = yield* call(method, path, token, body)
    const [error] = (yield* Schema.decodeUnknown(ErrorAnswer)(answer.body)).errors
    return { status: answer.status, code: error.code, detail: error.detail }
  })
