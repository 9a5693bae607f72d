/**
 * A user's key deleted behind Enamel's back: the Barbican secret (alice), or the application credential
 * in Keystone (bob). The next task fails at once with `key.unavailable` and says why, instead of being
 * taken again and again until its restarts run out; nothing is made in the cloud. The dead key is
 * dropped, and the user's next request makes a new one that works.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { Barbican, Keystone, ServiceSession, Session, type SessionShape } from "@enamel/openstack-clients"
import { Duration, Effect, Layer, Schema } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  cloudCount,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  fullServers,
  inProcessWorkerSettings,
  type TaskBody,
  tokenOf
} from "./enamel.js"

const namespace = uniqueName("keygone")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)
// The API re-reads user_keys at every request here, instead of after a minute; the worker reads the key
// and logs in for every task, instead of reusing the user's session (a held session keeps working after
// its Barbican secret is deleted, and is dropped only when Keystone refuses it: UserSessions' own tests).
const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(
    inProcessWorkerSettings(namespace, [
      ["ENAMEL_KEY_CACHE_TTL", "0 millis"],
      ["ENAMEL_USER_SESSION_TTL", "0 millis"]
    ])
  )
)

const Ended = Schema.Struct({
  state: Schema.String,
  error: Schema.NullOr(Schema.Struct({ code: Schema.String, message: Schema.String })),
  timeline: Schema.Array(Schema.Unknown)
})

/** POST /servers as this user; the task once it ended, and how long that took. */
const submit = (user: SessionShape, request: Record<string, unknown>) =>
  Effect.gen(function* () {
    const started = Date.now()
    const accepted = yield* call("POST", "/servers", yield* tokenOf(user), request)
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202)
    const taskId = (accepted.body as TaskBody).task.id
    const task = yield* Effect.orDie(Schema.decodeUnknown(Ended)(yield* finished(taskId, user)))
    return { taskId, task, seconds: (Date.now() - started) / 1000 }
  })

/** A task that makes the user's key and uses it, then fails before making anything (no such flavor). */
const makeKey = (user: SessionShape) =>
  Effect.gen(function* () {
    const { task } = yield* submit(user, {
      ...fullServers(uniqueName("key")),
      flavor: "enamel-no-such-flavor"
    })
    expect(task.error?.code).toBe("server.request_unresolved")
    const sql = yield* SqlClient.SqlClient
    const user_ = yield* user.authentication
    const [key] = yield* sql<{ secretRef: string; credentialId: string }>`
      SELECT secret_ref, credential_id FROM user_keys WHERE user_id = ${user_.info.user.id}`
    if (key === undefined) return yield* Effect.dieMessage("the API kept no key")
    return key
  })

const restartsOf = (taskId: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ restarts: number }>`SELECT restarts FROM tasks WHERE id = ${taskId}`,
      (r) => r[0]?.restarts
    )
  )

const expectFailedAtOnce = (user: SessionShape, why: RegExp, dead: { readonly secretRef: string }) =>
  Effect.gen(function* () {
    const { taskId, task, seconds } = yield* submit(user, fullServers(uniqueName("key")))
    expect(task.state).toBe("FAILED")
    expect(task.error?.code).toBe("key.unavailable")
    expect(task.error?.message).toMatch(why)
    expect(task.timeline).toEqual([])
    expect(yield* restartsOf(taskId)).toBe(0)
    // Before: ENAMEL_MAX_RESTARTS (10) rounds of ENAMEL_WORKER_RETRY_DELAY (2 s) and more.
    expect(seconds).toBeLessThan(15)
    expect(yield* cloudCount(taskId, user)).toEqual({ servers: 0, volumes: 0, ports: 0, floatingIps: 0 })
    // Recovered: the next task runs with a new key (it fails later, on the made-up flavor).
    const renewed = yield* makeKey(user)
    expect(renewed.secretRef).not.toBe(dead.secretRef)
  })

describe("a user's key deleted behind Enamel's back", () => {
  layer(Enamel, { timeout: Duration.minutes(2), excludeTestServices: true })((it) => {
    it.scoped(
      "its Barbican secret gone: the next task fails at once with key.unavailable",
      () =>
        Effect.gen(function* () {
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const key = yield* makeKey(alice)
          const service = yield* ServiceSession.ServiceSession
          yield* Barbican.deleteSecret(key.secretRef).pipe(Effect.provideService(Session, service))
          // Enamel forgets the dead key; its application credential is alice's to delete (it would expire).
          yield* Effect.addFinalizer(() =>
            Effect.ignore(
              Keystone.deleteApplicationCredential(key.credentialId).pipe(
                Effect.provideService(Session, alice)
              )
            )
          )
          yield* expectFailedAtOnce(alice, /gone or refused \(the key http\S+ does not exist\)/, key)
        }),
      { timeout: 90_000 }
    )

    it.scoped(
      "its application credential deleted in Keystone: the next task fails at once with key.unavailable",
      () =>
        Effect.gen(function* () {
          const bob = yield* sessionFor("bob")
          yield* deleteUserKeysAtEnd(bob)
          const key = yield* makeKey(bob)
          yield* Keystone.deleteApplicationCredential(key.credentialId).pipe(
            Effect.provideService(Session, bob)
          )
          yield* expectFailedAtOnce(bob, /gone or refused \(Could not find Application Credential/, key)
          // Its secret, useless without the credential, was deleted from Barbican by Enamel.
          const service = yield* ServiceSession.ServiceSession
          const left = yield* Effect.flip(
            Barbican.getSecretPayload(key.secretRef).pipe(Effect.provideService(Session, service))
          )
          expect(left._tag).toBe("OpenStackNotFound")
        }),
      { timeout: 90_000 }
    )
  })
})
