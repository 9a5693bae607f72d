import type { TaskDetailView } from "@enamel/domain/contract"
import { HttpTransport, ServiceSession, Session, type SessionShape } from "@enamel/openstack-clients"
import { Context, Effect, Layer, type Stream } from "effect"
import { baseUrl } from "./catalog.js"
import type { EnamelClientError } from "./errors.js"
import { type TaskEvent, taskEvents } from "./events.js"
import * as Transport from "./http/transport.js"
import * as TypedApi from "./http/typedApi.js"
import { type WaitOptions, waitForTask } from "./waitForTask.js"

export interface EnamelClientShape {
  /** Enamel's base URL in use (ENAMEL_URL, the catalog's `porcelain` endpoint, or the one given). */
  readonly url: string
  /** Every call of the contract, typed: `api.porcelain.createServers({ payload, headers })`, `api.tasks.getTask({ path })`. */
  readonly api: TypedApi.EnamelApiClient
  /** The task's events from one connection (after `lastEventId`), ending with its `Task` event. */
  readonly events: (taskId: string, lastEventId?: number) => Stream.Stream<TaskEvent, EnamelClientError>
  /**
   * Waits for the task to end and answers it with its timeline: follows its events (resuming a broken
   * stream with Last-Event-ID), or polls it when the stream keeps breaking. `onEvent` sees each event.
   */
  readonly waitForTask: (
    taskId: string,
    options?: WaitOptions
  ) => Effect.Effect<TaskDetailView, EnamelClientError>
}

export interface EnamelClientOptions {
  /** Enamel's base URL; when absent, ENAMEL_URL, else the session's service catalog. */
  readonly url?: string
}

/** The client for the session in context: each call carries the session's token. */
const make = (options: EnamelClientOptions = {}) =>
  Effect.gen(function* () {
    const session: SessionShape = yield* Session
    const url = yield* baseUrl(session, options.url)
    const transport = yield* Transport.make(session, url)
    const api = yield* TypedApi.make(transport.client)
    const events = (taskId: string, lastEventId?: number) => taskEvents(transport, taskId, lastEventId)
    const getTask = (taskId: string, wait?: number) =>
      Effect.map(
        api.tasks.getTask({ path: { id: taskId }, urlParams: wait === undefined ? {} : { wait } }),
        (r) => r.task
      )
    const client: EnamelClientShape = {
      url,
      api,
      events,
      waitForTask: waitForTask({ getTask, events })
    }
    return client
  }).pipe(Effect.provide(Transport.layerFetch))

/**
 * The session of the OS_* variables, or of the cloud OS_CLOUD names in clouds.yaml (OS_* variables that
 * are set still win), as Enamel's own processes read theirs.
 */
const sessionFromConfig = ServiceSession.layerAsCaller.pipe(
  Layer.provide(ServiceSession.layerServiceSession),
  Layer.provide(HttpTransport.layerFetch)
)

/**
 * Enamel's API as a client: typed calls derived from the contract, with a Keystone session's token.
 *
 * - `EnamelClient.layer`: with the `Session` in context; Enamel's URL from ENAMEL_URL, else the catalog.
 * - `EnamelClient.layerConfig`: the same, with the session made from OS_CLOUD / clouds.yaml / OS_*.
 * - `EnamelClient.layerWith({ url })`, `EnamelClient.layerConfigWith({ url })`: at a URL given.
 */
export class EnamelClient extends Context.Tag("@enamel/client/EnamelClient")<
  EnamelClient,
  EnamelClientShape
>() {
  static readonly make = make
  static readonly layerWith = (options: EnamelClientOptions) => Layer.effect(EnamelClient, make(options))
  static readonly layer = EnamelClient.layerWith({})
  static readonly layerConfigWith = (options: EnamelClientOptions) =>
    EnamelClient.layerWith(options).pipe(Layer.provide(sessionFromConfig))
  static readonly layerConfig = EnamelClient.layerConfigWith({})
}
