/**
 * An in-memory OpenStack (Zed-shaped answers) behind the clients' HttpTransport, so that the real clients,
 * sessions, waiters and flows run against it with no network: for the fast test tier, never instead of
 * the dev cloud's tests.
 *
 * ```ts
 * const program = Nova.listServers().pipe(Effect.provide(CloudDouble.layerClients("alice")))
 * const cloud = yield* CloudDouble.CloudDouble          // snapshot, calls, inject, setQuota, addNetwork, addFlavor
 * yield* cloud.inject({ service: "nova", method: "POST", path: "/servers", answer: Fault.overQuota })
 * ```
 */
import { Clock, Context, Duration, Effect, Layer, Redacted, Ref } from "effect"
import { type ClientSettingsShape, defaultClientSettings, layer as settingsLayer } from "../ClientSettings.js"
import {
  type HttpCall,
  type HttpMethod,
  type HttpReply,
  HttpTransport,
  TransportFailure
} from "../http/HttpTransport.js"
import { Credentials } from "../identity/Credentials.js"
import { make as makeSession, layer as sessionsLayer } from "../identity/makeSession.js"
import { layerWithoutTransport } from "../OpenStackClients.js"
import * as Cinder from "./cinder.js"
import type * as Faults from "./faults.js"
import * as Glance from "./glance.js"
import {
  type Answer,
  authUrl,
  type CloudCall,
  errorAnswer,
  overQuotaAnswer,
  parseCall,
  quotaResourceOf,
  type ServiceName
} from "./http.js"
import * as Keystone from "./keystone.js"
import * as Neutron from "./neutron.js"
import * as Nova from "./nova.js"
import { makeRules } from "./rules.js"
import { addNetwork, type NetworkSpec, projectNamed, type SeededUser, seed, seededUsers } from "./seed.js"
import { type CloudSnapshot, snapshotOf } from "./snapshot.js"
import {
  advance,
  type CloudState,
  defaultSteps,
  type Flavor,
  type Quota,
  type Steps,
  type Token,
  uuid
} from "./state.js"

export { authUrl } from "./http.js"

export interface Options {
  /** How many calls each change of state takes (defaults: `defaultSteps`). */
  readonly steps?: Partial<Steps>
  /** The most items one page of a list holds, as the services' `max_limit` (1000 unless told). */
  readonly pageSize?: number
  /**
   * The newest compute microversion Nova offers, as the minor of 2.x: 93 (Zed's) unless told; e.g. 90
   * for a Yoga-shaped cloud, which cannot rebuild a server booted from a volume.
   */
  readonly computeMaxMicroversion?: number
}

/** One call as the double saw it, in order. Bodies of authentication calls are left out (passwords). */
export interface LoggedCall {
  readonly seq: number
  readonly service: ServiceName
  readonly method: HttpMethod
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly json: unknown
  /** What the client saw; undefined when no answer came. */
  readonly status: number | undefined
  readonly requestId: string | undefined
  /** Whether the call reached the cloud (a fault may stop it, or lose the answer after it landed). */
  readonly landed: boolean
  readonly fault: Faults.FaultAnswer["_tag"] | undefined
  /** Who called (the token's user and project), when the token was valid. */
  readonly user: string | undefined
  readonly project: string | undefined
  /** The `OpenStack-API-Version` header sent, e.g. `compute 2.93`. */
  readonly microversion: string | undefined
}

/** Ids of what the double was seeded with, by name; networks as `<project>/<name>`. */
export interface Seeded {
  readonly projects: Readonly<Record<string, string>>
  readonly users: Readonly<Record<string, string>>
  readonly images: Readonly<Record<string, string>>
  readonly flavors: Readonly<Record<string, string>>
  readonly networks: Readonly<Record<string, string>>
  readonly securityGroups: Readonly<Record<string, string>>
}

export interface CloudDoubleShape {
  /** Keystone's v3 root on the double. */
  readonly authUrl: string
  /** The double as the clients' transport. */
  readonly transport: HttpTransport
  /** Everything that exists now, per project name. */
  readonly snapshot: Effect.Effect<CloudSnapshot>
  /** Every call so far, in order. */
  readonly calls: Effect.Effect<ReadonlyArray<LoggedCall>>
  readonly inject: (rule: Faults.FaultRule) => Effect.Effect<Faults.InjectedFault>
  readonly clearFaults: Effect.Effect<void>
  /** Replaces some of a project's limits, e.g. `setQuota("alpha", { instances: 0 })`. */
  readonly setQuota: (project: string, quota: Partial<Quota>) => Effect.Effect<void>
  /** Adds a network with one subnet, e.g. a second network of alpha's. */
  readonly addNetwork: (
    spec: NetworkSpec
  ) => Effect.Effect<{ readonly networkId: string; readonly subnetId: string }>
  /**
   * Adds a public flavor and returns its id. Names need not be unique, as in Nova: two flavors of one
   * name make a look-up by that name ambiguous.
   */
  readonly addFlavor: (spec: Omit<Flavor, "id">) => Effect.Effect<string>
  readonly seeded: Effect.Effect<Seeded>
}

export class CloudDouble extends Context.Tag("@enamel/openstack-clients/testing/CloudDouble")<
  CloudDouble,
  CloudDoubleShape
>() {}

const requestId = () => `req-${crypto.randomUUID()}`

const toReply = (call: CloudCall, answer: Answer, id: string): HttpReply => {
  const html = typeof answer.body === "string"
  const microversion = call.headers["openstack-api-version"]
  return {
    status: answer.status,
    headers: {
      "content-type": html ? "text/html; charset=UTF-8" : "application/json",
      "x-openstack-request-id": id,
      ...(call.service === "nova" ? { "x-compute-request-id": id } : {}),
      ...(microversion === undefined ? {} : { "openstack-api-version": microversion }),
      ...answer.headers
    },
    body:
      answer.body === undefined
        ? ""
        : typeof answer.body === "string"
          ? answer.body
          : JSON.stringify(answer.body)
  }
}

/** Version documents answer without a token, as the real services' do. */
const openRoot = (state: CloudState, call: CloudCall): Answer | undefined => {
  if (call.method !== "GET" || call.path !== "/") return undefined
  if (call.service === "nova") return { status: 200, body: Nova.versionDocument(state) }
  if (call.service === "cinder" && call.urlProject === undefined)
    return { status: 200, body: Cinder.versionsDocument }
  return undefined
}

const routes: Record<ServiceName, typeof Nova.route> = {
  keystone: Keystone.route,
  nova: Nova.route,
  neutron: Neutron.route,
  cinder: Cinder.route,
  glance: Glance.route
}

/** What the service answers to a call that reached it (the state changed accordingly). */
const serve = (state: CloudState, call: CloudCall, now: number, errorState: string | undefined) =>
  Effect.gen(function* () {
    if (call.service === "keystone" && call.method === "POST" && call.path === "/auth/tokens") {
      return yield* Keystone.authenticate({ state, call, now })
    }
    const caller = Keystone.validToken(state, call.headers["x-auth-token"], now)
    if (caller === undefined) return openRoot(state, call) ?? errorAnswer(call.service, 401)
    const served = routes[call.service]({ state, call, now, caller, errorState })
    if (served === undefined) {
      // An id with an encoded `/` (`flavors/a%2Fb`) matches no route of the real services either: they
      // answer 404. Any other call the double does not know is a bug in a test or in the double.
      if (/%2f/i.test(new URL(call.url).pathname)) return errorAnswer(call.service, 404)
      return yield* Effect.dieMessage(`cloud double: ${call.service} has no ${call.method} ${call.path}`)
    }
    return yield* served
  }).pipe(Effect.catchTag("Refusal", (refusal) => Effect.succeed(refusal.answer)))

/** Never resumes; unlike `Effect.never` it holds no timer, so a call left hanging keeps no process alive. */
const noAnswer = Effect.async<never>(() => {})

/** A cloud double, seeded like the dev cloud. */
export const make = (options: Options = {}): Effect.Effect<CloudDoubleShape> =>
  Effect.gen(function* () {
    const state = seed({
      steps: { ...defaultSteps, ...options.steps },
      pageSize: options.pageSize ?? 1000,
      computeMaxMicroversion: options.computeMaxMicroversion ?? Nova.zedMicroversion,
      now: yield* Clock.currentTimeMillis
    })
    const rules = yield* makeRules()
    const log = yield* Ref.make<ReadonlyArray<LoggedCall>>([])
    // One call at a time: a handler reads and changes the state as one step, as a service's transaction.
    const lock = yield* Effect.makeSemaphore(1)

    const record = (
      call: CloudCall,
      token: Token | undefined,
      entry: Pick<LoggedCall, "status" | "requestId" | "landed" | "fault">
    ) =>
      Ref.update(log, (calls) => [
        ...calls,
        {
          seq: calls.length + 1,
          service: call.service,
          method: call.method,
          path: call.path,
          query: call.query,
          json: call.path === "/auth/tokens" ? undefined : call.json,
          user: token === undefined ? undefined : state.users.get(token.userId)?.name,
          project: token === undefined ? undefined : state.projects.get(token.projectId)?.name,
          microversion: call.headers["openstack-api-version"],
          ...entry
        }
      ])

    const land = (call: CloudCall, errorState: string | undefined) =>
      lock.withPermits(1)(
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.zipRight(
            Effect.sync(() => advance(state, now)),
            serve(state, call, now, errorState)
          )
        )
      )

    const send = (http: HttpCall): Effect.Effect<HttpReply, TransportFailure> =>
      Effect.gen(function* () {
        const call = parseCall(http)
        if (call === undefined)
          return yield* Effect.dieMessage(`cloud double: nothing answers at ${http.url}`)
        const now = yield* Clock.currentTimeMillis
        const token = Keystone.validToken(state, call.headers["x-auth-token"], now)
        const fault = rules.pick(call)
        const id = requestId()
        const answered = (answer: Answer, landed: boolean) =>
          Effect.as(
            record(call, token, { status: answer.status, requestId: id, landed, fault: fault?._tag }),
            toReply(call, answer, id)
          )
        const unanswered = (why: Faults.Disconnect | Faults.NoAnswer, landed: boolean) =>
          Effect.zipRight(
            record(call, token, { status: undefined, requestId: undefined, landed, fault: fault?._tag }),
            why._tag === "Disconnect"
              ? Effect.fail(
                  new TransportFailure({ message: `connection reset by peer (${http.method} ${http.url})` })
                )
              : noAnswer
          )
        const instead = (as: Faults.LostAs, landed: boolean) =>
          as._tag === "Status"
            ? answered(errorAnswer(call.service, as.status, as.message, as.kind), landed)
            : unanswered(as, landed)
        if (fault === undefined) {
          return yield* Effect.flatMap(land(call, undefined), (answer) => answered(answer, true))
        }
        switch (fault._tag) {
          case "ErrorState":
            return yield* Effect.flatMap(land(call, fault.message), (answer) => answered(answer, true))
          case "OverQuota":
            return yield* answered(overQuotaAnswer(call.service, quotaResourceOf(call)), false)
          case "Lost":
            return yield* Effect.zipRight(land(call, undefined), instead(fault.as, true))
          default:
            return yield* instead(fault, false)
        }
      })

    const seeded = Effect.sync((): Seeded => {
      const named = <A extends { readonly name: string; readonly id: string }>(items: Iterable<A>) =>
        Object.fromEntries([...items].map((item) => [item.name, item.id]))
      const projectName = (id: string) => state.projects.get(id)?.name ?? id
      return {
        projects: named(state.projects.values()),
        users: named(state.users.values()),
        images: named(state.images.values()),
        flavors: named(state.flavors.values()),
        networks: Object.fromEntries(
          [...state.networks.values()].map((n) => [`${projectName(n.projectId)}/${n.name}`, n.id])
        ),
        securityGroups: Object.fromEntries(
          [...state.securityGroups.values()].map((g) => [`${projectName(g.projectId)}/${g.name}`, g.id])
        )
      }
    })

    return {
      authUrl,
      transport: HttpTransport.make({ send }),
      snapshot: Effect.sync(() => snapshotOf(state)),
      calls: Ref.get(log),
      inject: rules.add,
      clearFaults: rules.clear,
      setQuota: (project, quota) =>
        Effect.sync(() => {
          const found = projectNamed(state, project)
          if (found !== undefined) found.quota = { ...found.quota, ...quota }
        }),
      addNetwork: (spec) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const network = addNetwork(state, spec, now)
          const subnetId = network?.subnetIds[0]
          return network === undefined || subnetId === undefined
            ? Effect.dieMessage(`cloud double: no project ${spec.project}`)
            : Effect.succeed({ networkId: network.id, subnetId })
        }),
      addFlavor: (spec) =>
        Effect.sync(() => {
          const flavor: Flavor = { id: uuid(), ...spec }
          state.flavors.set(flavor.id, flavor)
          return flavor.id
        }),
      seeded
    }
  })

/** The double, and the double as the clients' transport. */
export const layer = (options: Options = {}): Layer.Layer<CloudDouble | HttpTransport> =>
  Layer.effectContext(
    Effect.map(make(options), (cloud) =>
      Context.make(CloudDouble, cloud).pipe(Context.add(HttpTransport, cloud.transport))
    )
  )

/** Client timings for fast tests: waiters poll every millisecond. */
export const fastSettings: ClientSettingsShape = {
  ...defaultClientSettings,
  pollInterval: Duration.millis(1),
  waitTimeout: Duration.seconds(10),
  requestTimeout: Duration.seconds(2)
}

export const layerFastSettings = settingsLayer(fastSettings)

/** A seeded user's password credentials (the dev cloud's passwords: the user's name). */
export const credentials = (user: SeededUser): Credentials =>
  Credentials.Password({
    user: { name: user, domainName: "Default" },
    password: Redacted.make(user),
    project: { name: seededUsers[user].project, domainName: "Default" }
  })

const sessionOptions = (user: SeededUser) => ({
  authUrl,
  credentials: credentials(user),
  region: "RegionOne"
})

/** A session as a seeded user (password), through the real session code; lives in the scope. */
export const session = (user: SeededUser) => makeSession(sessionOptions(user))

/** The Session of a seeded user, for a layer graph over the double's transport. */
export const sessionLayer = (user: SeededUser) => sessionsLayer(sessionOptions(user))

/**
 * Everything a test of the clients or the flows needs: the double (and its transport), all clients, the
 * user's session and fast client timings.
 */
export const layerClients = (user: SeededUser = "alice", options: Options = {}) =>
  Layer.provideMerge(Layer.merge(layerWithoutTransport, sessionLayer(user)), layer(options)).pipe(
    Layer.provideMerge(layerFastSettings)
  )
