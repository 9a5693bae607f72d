import type { HttpMethod } from "@effect/platform"
import { HttpApiEndpoint, OpenApi } from "@effect/platform"
import { Effect, Option, Schema } from "effect"
import { ErrorCode } from "../ErrorCatalogue.js"
import type { Flow } from "../engine/flow/Flow.js"
import { type RunnableFlow, runnable } from "../engine/flow/RunnableFlow.js"
import type { FlowRun } from "../engine/flow/RunState.js"
import { OnFailure } from "../engine/task/OnFailure.js"
import { TaskPriority } from "../engine/task/Task.js"
import * as Answers from "./answers.js"
import { CallbackHeaderFields } from "./callbacks.js"
import { DryRunQueryFields, DryRunResponse, nothingPlanned, type Planned } from "./dryRun.js"
import type { Conflict, Forbidden, NotFound, PayloadTooLarge, ServiceUnavailable } from "./errors.js"
import * as Input from "./input.js"
import { commandRule, PolicyRule } from "./policy.js"
import { TaskResponse } from "./views.js"

/** Every task-creating request may carry `Idempotency-Key`: the same key and body give the same task. */
export const IdempotencyHeaders = Input.header(
  Schema.Struct({
    "idempotency-key": Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255)))
  })
)

/** A command's headers: Idempotency-Key, and the callback's (`callbacks.ts`). */
export const CommandHeaders = Input.header(
  Schema.Struct({ ...IdempotencyHeaders.fields, ...CallbackHeaderFields })
)

/**
 * `on_failure`, which every task-creating request accepts: a field of the body where the endpoint has
 * one, a query parameter (`?on_failure=keep`) where it has none (e.g. `DELETE /servers/{id}`). Not a
 * param of the flow: the task keeps it beside them (see `OnFailure`).
 */
export const OnFailureFields = Schema.Struct({
  on_failure: Schema.optional(
    OnFailure.annotations({
      description:
        '"rollback" (default): a stage that fails for good undoes what the task made. "keep": nothing is ' +
        "undone; the task ends FAILED and held, naming the failed stage, until POST /tasks/{id}/retry or " +
        "POST /tasks/{id}/rollback."
    })
  )
})

type OnFailureFields = typeof OnFailureFields.Type

/** The query's type with `on_failure` added when the endpoint has no body. */
export type QueryWithOnFailure<UrlParams, Payload> = [Payload] extends [never]
  ? [UrlParams] extends [never]
    ? OnFailureFields
    : UrlParams & OnFailureFields
  : UrlParams

/** The body's type with `on_failure` added, when the endpoint has one. */
export type BodyWithOnFailure<Payload> = [Payload] extends [never] ? never : Payload & OnFailureFields

/** Adds `on_failure` to the endpoint: to its body, or to its query parameters when it has no body. */
function withOnFailure<
  Name extends string,
  Method extends HttpMethod.HttpMethod,
  Path,
  UrlParams,
  Payload,
  Error,
  RE
>(
  endpoint: HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    Path,
    UrlParams,
    Payload,
    never,
    void,
    Error,
    never,
    RE
  >
): HttpApiEndpoint.HttpApiEndpoint<
  Name,
  Method,
  Path,
  QueryWithOnFailure<UrlParams, Payload>,
  BodyWithOnFailure<Payload>,
  never,
  void,
  Error,
  never,
  RE
>
function withOnFailure(endpoint: HttpApiEndpoint.HttpApiEndpoint.Any): HttpApiEndpoint.HttpApiEndpoint.Any {
  if (!HttpApiEndpoint.isHttpApiEndpoint(endpoint)) return endpoint
  return Option.match(endpoint.payloadSchema, {
    // The declared schema as it is (a struct, maybe refined), with the field added beside its own.
    onSome: (payload) =>
      endpoint.setPayload(Input.body(Schema.extend(Schema.make<unknown>(payload.ast), OnFailureFields))),
    onNone: () =>
      endpoint.setUrlParams(
        Input.commandQuery(
          Option.match(endpoint.urlParamsSchema, {
            onSome: (query) => Schema.extend(Schema.make<unknown, unknown>(query.ast), OnFailureFields),
            onNone: () => OnFailureFields
          })
        )
      )
  })
}

/** Why the API refuses a request before accepting its task (the server is not the caller's, over quota, …). */
export type Refusal = NotFound | Conflict | Forbidden | PayloadTooLarge | ServiceUnavailable

/**
 * A porcelain command: one HTTP call, one task type, one flow (in every version tasks may still be
 * running). Declared once, in the command's folder under `flows/`, and listed on one line of the
 * registry (`flows/registry.ts`); the API's routes and `/openapi.json`, the worker's topics and their
 * defaults, the embedded process and `GET /` all come from there.
 */
export interface Command<Endpoint extends HttpApiEndpoint.HttpApiEndpoint.Any, R, RA> {
  /** The task type, also the routing key (topic) of its messages, e.g. `server.create`. */
  readonly type: string
  /** One sentence for `GET /`, `/openapi.json` and the CLI. */
  readonly description: string
  /** Its policy rule (`enamel:` and the type, `.` → `:`), which its endpoint names; see `policy.ts`. */
  readonly rule: string
  /** The endpoint as the contract declares it (202 with the task, Idempotency-Key, the errors). */
  readonly endpoint: Endpoint
  readonly method: HttpMethod.HttpMethod
  readonly path: string
  /** Which path parameters go into the task's params, and under which name (`{ id: "server_id" }`). */
  readonly pathParams: Readonly<Record<string, string>>
  /**
   * Which query parameters go into the task's params, and under which name (`{ delete_backups:
   * "delete_backups" }`); the endpoint declares them with `setUrlParams(Input.commandQuery(…))`.
   */
  readonly urlParams: Readonly<Record<string, string>>
  /** How many tasks of this type a worker runs at once unless ENAMEL_WORKER_TOPICS says otherwise. */
  readonly concurrency: number
  /** The priority (0–9) of a task whose request does not give one. */
  readonly priority: number
  /** Every version of the flow that tasks may still be running: the newest (new tasks get it) first. */
  readonly versions: readonly [RunnableFlow<R>, ...ReadonlyArray<RunnableFlow<R>>]
  /** The version new tasks get. */
  readonly latest: RunnableFlow<R>
  /**
   * Checks, with the caller's own session, what must hold before a task is accepted (the server exists
   * in the caller's project, …), given the params as the latest version stores them. Gives back the
   * params to store: those given, or with what the admission found added (`Spec.carriedAdmission`).
   */
  readonly admit: (params: unknown) => Effect.Effect<unknown, Refusal, RA>
  /**
   * `?dry_run=true`: the admission, then the command's plan (with the quotas it needs checked), with the
   * caller's own session; creates nothing. A command that declares no plan answers its admission only.
   */
  readonly dryRun: (params: unknown) => Effect.Effect<DryRunResponse, Refusal, RA>
}

export type Any = Command<HttpApiEndpoint.HttpApiEndpoint.Any, unknown, unknown>

/** What a command's folder declares; `make` adds what every porcelain endpoint shares. */
export interface Spec<
  Name extends string,
  Method extends HttpMethod.HttpMethod,
  Path,
  UrlParams,
  Payload,
  Error,
  RE,
  I,
  O,
  E,
  R,
  II,
  OI,
  RE2,
  RA
> {
  readonly type: string
  readonly description: string
  /** The route, its path, query and payload schemas, and the refusals its admission can answer with. */
  readonly endpoint: HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    Path,
    UrlParams,
    Payload,
    never,
    void,
    Error,
    never,
    RE
  >
  readonly pathParams?: { readonly [K in keyof Path]?: string }
  /** The query parameters that go into the params, by the field each becomes. */
  readonly urlParams?: { readonly [K in keyof UrlParams]?: string }
  readonly concurrency: number
  readonly priority?: number
  /** The newest version of the flow: new tasks run it. */
  readonly flow: Flow<I, O, E, R, II, OI>
  /** Earlier versions still in service, oldest first (`Flow.runnable` of each). */
  readonly earlier?: ReadonlyArray<RunnableFlow<RE2>>
  readonly admission?: (params: I) => Effect.Effect<void, Refusal, RA>
  /**
   * Instead of `admission`: one whose findings travel with the task, so that the flow's first stage need
   * not read again what was just read. It gives back the params to store (those given, with what it
   * found added in a field of the flow's params); the flow must still act correctly when the cloud
   * changed in between (e.g. use the findings only while fresh, and let the action itself be the check).
   */
  readonly carriedAdmission?: (params: I) => Effect.Effect<I, Refusal, RA>
  /**
   * What a dry run answers after the admission: the names resolved, what the task would create or
   * delete, the quotas checked (a quota without room is a 409 `quota.exceeded`). See `flows/cloud/quotas.ts`.
   */
  readonly plan?: (params: I) => Effect.Effect<Planned, Refusal, RA>
}

/**
 * The endpoint's query parameters with `dry_run` beside the command's own (if any), read as strictly
 * (`Input.commandQuery`): a command's flag and the dry run are declared once each.
 */
const withDryRunQuery = <
  Name extends string,
  Method extends HttpMethod.HttpMethod,
  Path,
  UrlParams,
  Payload,
  Error,
  RE
>(
  endpoint: HttpApiEndpoint.HttpApiEndpoint<
    Name,
    Method,
    Path,
    UrlParams,
    Payload,
    never,
    void,
    Error,
    never,
    RE
  >
) =>
  endpoint.setUrlParams(
    Input.commandQuery(
      Option.match(endpoint.urlParamsSchema, {
        onNone: () => Schema.Struct(DryRunQueryFields),
        onSome: (declared) => Schema.extend(declared, Schema.Struct(DryRunQueryFields))
      })
    )
  )

/** Declares a porcelain command. */
export const make = <
  const Name extends string,
  Method extends HttpMethod.HttpMethod,
  Path,
  UrlParams,
  Payload,
  Error,
  RE,
  I,
  O,
  E,
  R,
  II,
  OI,
  RE2 = never,
  RA = never
>(
  spec: Spec<Name, Method, Path, UrlParams, Payload, Error, RE, I, O, E, R, II, OI, RE2, RA>
) => {
  // A command changes things, so it is never a GET: its body (if any) is read, and may be refused.
  if (!Answers.mayCarryBody(spec.endpoint.method)) {
    throw new Error(`${spec.type}: a porcelain command cannot be a ${spec.endpoint.method}`)
  }
  const latest = runnable(spec.flow)
  const decode = Schema.decodeUnknown(spec.flow.params)
  const encode = Schema.encode(spec.flow.params)
  const carried = spec.carriedAdmission
  const admission = carried ?? spec.admission
  const plan = spec.plan
  const endpoint = withDryRunQuery(withOnFailure(spec.endpoint))
    .setHeaders(CommandHeaders)
    .addSuccess(TaskResponse, { status: 202 })
    .addSuccess(DryRunResponse, { status: 200 })
    .addError(
      Answers.badRequest(
        ErrorCode.requestInvalid,
        ErrorCode.callbackUrlNotAllowed,
        ...(Option.isSome(spec.endpoint.payloadSchema) ? [ErrorCode.requestMalformed] : [])
      )
    )
    .addError(Answers.bodyRefused)
    .addError(Answers.forbidden(ErrorCode.keyForbidden))
    .addError(Answers.conflict(ErrorCode.taskIdempotencyConflict, ErrorCode.quotaExceeded))
    .addError(Answers.serviceUnavailable(ErrorCode.serviceUnavailable, ErrorCode.keyUnavailable))
    .annotate(
      OpenApi.Description,
      `${spec.description} Runs as a task of type \`${spec.type}\`; answers 202 with it ` +
        "(`?dry_run=true`: 200 with the plan, nothing created)."
    )
    .annotate(OpenApi.Summary, spec.type)
    .annotate(PolicyRule, commandRule(spec.type))
  const fieldsOf = (declared: object | undefined) => {
    const fields: Record<string, string> = {}
    for (const [param, field] of Object.entries(declared ?? {})) {
      if (typeof field === "string") fields[param] = field
    }
    return fields
  }
  const command: Command<typeof endpoint, Exclude<R, FlowRun> | RE2, RA> = {
    type: spec.type,
    description: spec.description,
    rule: commandRule(spec.type),
    endpoint,
    method: spec.endpoint.method,
    path: spec.endpoint.path,
    pathParams: fieldsOf(spec.pathParams),
    urlParams: fieldsOf(spec.urlParams),
    concurrency: spec.concurrency,
    priority: Schema.decodeSync(TaskPriority)(spec.priority ?? 5),
    versions: [latest, ...(spec.earlier ?? [])],
    latest,
    admit: (params) =>
      carried !== undefined
        ? Effect.flatMap(Effect.orDie(decode(params)), (decoded) =>
            Effect.flatMap(carried(decoded), (found) => Effect.orDie(encode(found)))
          )
        : admission === undefined
          ? Effect.succeed(params)
          : Effect.as(
              Effect.flatMap(Effect.orDie(decode(params)), (decoded) => admission(decoded)),
              params
            ),
    dryRun: (params) =>
      Effect.gen(function* () {
        const decoded = yield* Effect.orDie(decode(params))
        if (admission !== undefined) yield* admission(decoded)
        const planned = plan === undefined ? nothingPlanned : yield* plan(decoded)
        return { dry_run: { type: spec.type, ...planned } }
      })
  }
  return command
}
