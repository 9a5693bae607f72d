/** Shared by the end-to-end tests: Enamel's API on the dev cloud, and ways to talk to it and count. */
import { execFileSync } from "node:child_process"
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { BrokerAmqp } from "@enamel/broker"
import { TaskState } from "@enamel/domain"
import {
  Barbican,
  Cinder,
  Keystone,
  Neutron,
  Nova,
  OpenStackClients,
  ServiceSession,
  Session,
  type SessionShape
} from "@enamel/openstack-clients"
import { UserKeyRefs } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { ConfigProvider, Duration, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { HttpLive } from "../../packages/api/src/ApiServer.js"
import * as TokenValidator from "../../packages/api/src/auth/TokenValidator.js"
import * as TokenValidatorKeystone from "../../packages/api/src/auth/TokenValidatorKeystone.js"
import * as UserKeysInKeyStore from "../../packages/api/src/keys/UserKeysInKeyStore.js"
import { send } from "../../packages/api/test/harness.js"
import { sessionFor } from "../../packages/openstack-clients/test/support/cloud.js"
import { eventually } from "../support/poll.js"

/** Settings for one test file: its own AMQP namespace, so no other run's worker takes its tasks. */
export const configWith = (settings: ReadonlyArray<readonly [string, string]>) =>
  ConfigProvider.fromMap(new Map(settings)).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))

/** The OS_* variables of a dev cloud identity, as `devcloud env` prints them. */
export const identityEnv = (identity: string): Record<string, string> =>
  Object.fromEntries(
    execFileSync("devcloud/devcloud", ["env", identity], { encoding: "utf8" })
      .split("\n")
      .flatMap((line) => {
        const match = /^export ([A-Z_]+)=(.*)$/.exec(line)
        return match?.[1] === undefined || match[2] === undefined ? [] : [[match[1], match[2]] as const]
      })
  )

/**
 * Settings of an end-to-end test that runs its worker in-process: its own namespace, two tasks of each
 * topic at once, a quick outbox sweep, and only warnings logged (the API's request log drowns a report).
 */
export const inProcessWorkerSettings = (
  namespace: string,
  more: ReadonlyArray<readonly [string, string]> = []
) =>
  Layer.mergeAll(
    Layer.setConfigProvider(
      configWith([
        ["ENAMEL_AMQP_NAMESPACE", namespace],
        ["ENAMEL_WORKER_TOPICS", "server.create=2,server.delete=2"],
        ["ENAMEL_OUTBOX_SWEEP", "200 millis"],
        ...more
      ])
    ),
    Logger.minimumLogLevel(LogLevel.Warning)
  )

export const ServiceUser = Layer.scoped(ServiceSession.ServiceSession, sessionFor("enamel"))

/**
 * The API with Keystone, Barbican, RabbitMQ and a throw-away database, on a random port; `clients` are
 * the live ones unless a test wraps their transport.
 */
export const enamelApi = <E, R>(
  worker: Layer.Layer<never, E, R>,
  clients: Layer.Layer<OpenStackClients.OpenStackClients> = OpenStackClients.layer
) =>
  HttpLive.pipe(
    Layer.provide([
      TokenValidator.cached(Duration.seconds(60)).pipe(Layer.provide(TokenValidatorKeystone.layer)),
      UserKeysInKeyStore.layerBarbican,
      BrokerAmqp.layer
    ]),
    Layer.provide(UserKeyRefs.Default),
    Layer.merge(worker),
    Layer.provide(ServiceSession.layerAsCaller),
    Layer.provideMerge(ServiceUser),
    Layer.provideMerge(clients),
    Layer.provideMerge(TestDatabase.layer),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )

/** The harness's `send` with a token and a bound long enough for an event stream that lasts a whole task. */
export const call = (method: string, path: string, token: string, body?: unknown) =>
  send(method, path, { token, timeoutMs: 170_000, ...(body === undefined ? {} : { body }) })

export interface TaskBody {
  readonly task: {
    readonly id: string
    readonly state: string
    readonly error: unknown
    readonly result: {
      readonly servers: ReadonlyArray<{
        readonly id: string
        readonly volume_id?: string
        readonly ports: ReadonlyArray<{ readonly id: string }>
        readonly floating_ips: ReadonlyArray<{ readonly id: string; readonly address: string }>
      }>
    }
    readonly timeline: ReadonlyArray<{
      readonly stage: string
      readonly state: string
      readonly request_ids: ReadonlyArray<string>
    }>
  }
}

export const getTask = (taskId: string, token: string) =>
  Effect.map(call("GET", `/tasks/${taskId}`, token), (answer) => (answer.body as TaskBody).task)

/** The session's current token (it takes a new one when the one it holds is about to expire). */
export const tokenOf = (session: SessionShape) =>
  Effect.map(session.authentication, (auth) => Redacted.value(auth.token))

/** Polls the task until it ends, with this token, or with whichever token the session holds at each poll. */
export const finished = (taskId: string, token: string | SessionShape) =>
  eventually(
    Effect.flatMap(typeof token === "string" ? Effect.succeed(token) : tokenOf(token), (current) =>
      getTask(taskId, current)
    ),
    (task) => TaskState.terminalStates.some((state) => state === task.state),
    { what: `task ${taskId} to finish`, timeout: "3 minutes", every: "200 millis" }
  )

/** `POST /servers` of `count` servers, each with a boot volume, a port on `private` and a floating IP. */
export const fullServers = (name: string, count = 1) => ({
  name,
  count,
  image: "tiny",
  flavor: "m1.tiny",
  boot_volume: { size_gb: 1 },
  networks: [{ network: "private", floating_ip: { network: "public" } }]
})

/** What exists in the cloud with a task's mark, counted as the user who owns it. */
export const cloudCount = (taskId: string, session: SessionShape) =>
  Effect.gen(function* () {
    const mark = `enamel_task=${taskId}`
    return {
      servers: (yield* Nova.listServers({ tags: [mark] })).length,
      volumes: (yield* Cinder.listVolumes({ metadata: { enamel_task: taskId } })).length,
      ports: (yield* Neutron.listPorts({ tags: [mark] })).length,
      floatingIps: (yield* Neutron.listFloatingIps({ tags: [mark] })).length
    }
  }).pipe(Effect.provideService(Session, session))

/**
 * Deletes the keys this test's API made for `owner` (application credentials, which only their user may
 * delete, and their Barbican secrets), when the test's scope closes: a test run leaves nothing behind in
 * the cloud.
 */
export const deleteUserKeysAtEnd = (owner: SessionShape) =>
  Effect.addFinalizer(() =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const service = yield* ServiceSession.ServiceSession
      const userId = (yield* owner.authentication).info.user.id
      const keys = yield* sql<{
        credentialId: string
        secretRef: string
      }>`SELECT credential_id, secret_ref FROM user_keys WHERE user_id = ${userId}`
      for (const key of keys) {
        yield* Effect.ignore(
          Keystone.deleteApplicationCredential(key.credentialId).pipe(Effect.provideService(Session, owner))
        )
        yield* Effect.ignore(
          Barbican.deleteSecret(key.secretRef).pipe(Effect.provideService(Session, service))
        )
        // A retried test on the same database makes a new key instead of handing out the deleted one.
        yield* Effect.ignore(sql`DELETE FROM user_keys WHERE secret_ref = ${key.secretRef}`)
      }
    }).pipe(Effect.ignore)
  )

export { TestDatabase }
