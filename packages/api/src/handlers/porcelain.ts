import { createHash } from "node:crypto"
import {
  type HttpApiBuilder as Builder,
  HttpApiBuilder,
  type HttpApiEndpoint,
  HttpServerResponse
} from "@effect/platform"
import { type Task, TaskId, TaskMessageJson, TaskPriority, TaskType } from "@enamel/domain"
import { type Callbacks, CurrentCaller, EnamelApi, type TaskResponse } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { Session } from "@enamel/openstack-clients"
import { type IdempotencyConflict, OutboxRelay, TaskStore } from "@enamel/persistence"
import { Effect, Option, Predicate, Schema } from "effect"
import * as Callback from "../callbacks/subscription.js"
import { UserKeys } from "../keys/UserKeys.js"
import { countAccepted } from "../metrics.js"
import { digestPart, flowFields, onFailureOf } from "../tasks/onFailure.js"
import { conflict, unavailable } from "./storeErrors.js"
import { taskView } from "./views.js"

const encodeMessage = Schema.encodeSync(TaskMessageJson)
const trusted = { disableValidation: true } as const

/**
 * The 202: the task's view with its Location, as a ready response. The view's schema (TaskView) encodes
 * to itself (strings, numbers, the stored params), so the endpoint's encoding of it would only check
 * again what taskView built; the contract's tests check this answer against /openapi.json.
 */
const accepted = (task: Task) =>
  HttpServerResponse.unsafeJson({ task: taskView(task) } satisfies typeof TaskResponse.Type, {
    status: 202,
    headers: { location: `/tasks/${task.id}` }
  })

/** A command of the registry, with what its checks need (the clients, and a Session: the caller's). */
type Registered = (typeof registry.commands)[number]
const isPriority = Schema.is(TaskPriority)

/** The request's parts a porcelain endpoint may have: a JSON body, path and query parameters, the headers. */
interface PorcelainRequest {
  readonly payload?: unknown
  readonly path?: unknown
  readonly urlParams?: unknown
  readonly headers: { readonly "idempotency-key"?: string | undefined } & Callbacks.CallbackRequest
}

/**
 * The task's params: the body's fields, and the path and query parameters the command names (`id` →
 * `server_id`), as the endpoint decoded them; a query parameter left out stays out.
 */
const paramsOf = (command: Registered, request: PorcelainRequest): Record<string, unknown> => {
  const params: Record<string, unknown> = flowFields(request.payload)
  const take = (given: unknown, names: Readonly<Record<string, string>>) => {
    if (!Predicate.isRecord(given)) return
    for (const [param, field] of Object.entries(names)) {
      if (given[param] !== undefined) params[field] = given[param]
    }
  }
  take(request.path, command.pathParams)
  take(request.urlParams, command.urlParams)
  return params
}

/** Whether the request asks `?dry_run=true` (decoded by the endpoint: a boolean, or left out). */
const isDryRun = (urlParams: unknown): boolean => Predicate.isRecord(urlParams) && urlParams.dry_run === true

/** The priority the body asks for, or the command's. */
const priorityOf = (command: Registered, params: Record<string, unknown>): number =>
  isPriority(params.priority) ? params.priority : command.priority

/**
 * Registers `handle(command)` for every command of the registry. The registry built the contract's
 * porcelain group from the same list, so every endpoint of the group gets its handler (the group's
 * union of endpoints is what `Name` ranges over, and the last registration leaves none unhandled).
 */
const handleEach = <Endpoints extends HttpApiEndpoint.HttpApiEndpoint.Any, E, P, R, R1>(
  handlers: Builder.Handlers<E, P, R, Endpoints>,
  names: readonly [
    HttpApiEndpoint.HttpApiEndpoint.Name<Endpoints>,
    ...ReadonlyArray<HttpApiEndpoint.HttpApiEndpoint.Name<Endpoints>>
  ],
  handler: (
    name: HttpApiEndpoint.HttpApiEndpoint.Name<Endpoints>
  ) => HttpApiEndpoint.HttpApiEndpoint.HandlerWithName<
    Endpoints,
    HttpApiEndpoint.HttpApiEndpoint.Name<Endpoints>,
    E,
    R1
  >
) => {
  const [first, ...rest] = names
  let handled = handlers.handle(first, handler(first))
  for (const name of rest) handled = handled.handle(name, handler(name))
  return handled
}

/**
 * Every porcelain call (steps 1–4 of the original design): the params from the request, the command's
 * checks with the caller's own session, the caller's key, then the task and its outbox row in one
 * statement, and a nudge to the relay. Answers 202 with the task and its Location.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "porcelain", (handlers) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const relay = yield* OutboxRelay
    const keys = yield* UserKeys

    const accept = (command: Registered, request: PorcelainRequest) =>
      Effect.gen(function* () {
        const caller = yield* CurrentCaller
        const callback = yield* Callback.requested(request.headers)
        const asked = paramsOf(command, request)
        // Decoded by the endpoint already: encoding checks it fits the flow, and gives what is stored.
        const params = yield* Effect.orDie(command.latest.encodeParams(asked))
        const onFailure = onFailureOf(request)
        const repeatable = {
          projectId: caller.projectId,
          userId: caller.userId,
          idempotencyKey: request.headers["idempotency-key"] ?? null,
          requestHash: createHash("sha256")
            .update(`${command.type}\n${JSON.stringify(params)}${digestPart(onFailure)}`)
            .digest("hex")
        }
        const storeFailed = {
          IdempotencyConflict: (e: IdempotencyConflict) => Effect.fail(conflict(e)),
          TaskStoreError: () => Effect.fail(unavailable())
        }
        // A request repeated with its Idempotency-Key gets its task, whatever changed since in the cloud.
        // Without a key there is nothing to look up (and no span to make for it).
        const repeated =
          repeatable.idempotencyKey === null
            ? Option.none()
            : yield* store.findRepeated(repeatable).pipe(Effect.catchTags(storeFailed))
        const { task, created } = Option.isSome(repeated)
          ? { task: repeated.value, created: false }
          : yield* Effect.gen(function* () {
              // What the admission found travels with the task (see `Command.carriedAdmission`).
              const admitted = yield* command
                .admit(params)
                .pipe(Effect.provideService(Session, caller.session))
              const keyRef = yield* keys.keyFor(caller)
              const id = crypto.randomUUID()
              return yield* store
                .create({
                  ...repeatable,
                  id,
                  type: command.type,
                  flowVersion: command.latest.version,
                  priority: priorityOf(command, asked),
                  params: admitted,
                  keyRef,
                  onFailure,
                  message: encodeMessage({
                    // Made here (a UUID) and the registry's own type: nothing to validate again.
                    taskId: TaskId.make(id, trusted),
                    type: TaskType.make(command.type, trusted),
                    flowVersion: command.latest.version,
                    resumeFrom: null,
                    restarts: 0
                  })
                })
                .pipe(Effect.catchTags(storeFailed))
            })
        if (Option.isSome(callback)) yield* Callback.subscribe(task.id, callback.value)
        if (created) yield* Effect.zipRight(relay.nudge, countAccepted(command.type))
        return accepted(task)
      })

    /**
     * `?dry_run=true`: the same checks with the caller's session, then the command's plan; answers 200
     * with it. No key, no task, no idempotency record: nothing is stored or created.
     */
    const plan = (command: Registered, request: PorcelainRequest) =>
      Effect.gen(function* () {
        const caller = yield* CurrentCaller
        const params = yield* Effect.orDie(command.latest.encodeParams(paramsOf(command, request)))
        return yield* command.dryRun(params).pipe(Effect.provideService(Session, caller.session))
      })

    const byName = new Map(registry.commands.map((command) => [command.endpoint.name, command]))
    const [first, ...rest] = registry.commands
    if (first === undefined) return yield* Effect.dieMessage("the registry lists no command")
    return handleEach(
      handlers,
      [first.endpoint.name, ...rest.map((command) => command.endpoint.name)],
      (name) => (request) => {
        const command = byName.get(name)
        // The registry built the group, so every endpoint has its command; a miss is a bug (500).
        if (command === undefined) return Effect.dieMessage(`no command for ${name}`)
        return isDryRun(request.urlParams) ? plan(command, request) : accept(command, request)
      }
    )
  })
)
