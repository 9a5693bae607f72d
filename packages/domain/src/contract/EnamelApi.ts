import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ErrorCode } from "../ErrorCatalogue.js"
import { TaskState } from "../engine/task/TaskState.js"
import { NetworkResponse } from "../flows/network-show/view.js"
import { registry } from "../flows/registry.js"
import { BackupListResponse } from "../flows/server-backup-list/view.js"
import { ServerResponse } from "../flows/server-show/view.js"
import { Authentication } from "./Authentication.js"
import * as Admin from "./admin.js"
import * as Answers from "./answers.js"
import { ErrorDocument } from "./errors.js"
import * as Input from "./input.js"
import * as Microversions from "./microversions.js"
import * as OpenApiDocument from "./openApiDocument.js"
import { PolicyRule, rule } from "./policy.js"
import { SignInGroup } from "./signIn.js"
import { Text } from "./text.js"
import { TaskDetailResponse, TaskListResponse, TaskResponse, VersionsResponse } from "./views.js"

const taskId = HttpApiSchema.param("id", Input.pathParam(Schema.UUID))

export const TaskListParams = Input.query(
  Schema.Struct({
    /** A state, `active` (those not ended: the default) or `all`. */
    state: Schema.optional(Schema.Union(TaskState, Schema.Literal("active", "all"))),
    scope: Schema.optional(Schema.Literal("user", "project")),
    all_projects: Schema.optional(Schema.BooleanFromString),
    type: Schema.optional(Text.pipe(Schema.maxLength(255))),
    limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000))),
    marker: Schema.optional(Schema.UUID),
    /**
     * The tasks that made, changed or deleted this resource (a server, volume, port, floating IP,
     * network), in every state (`state` then defaults to `all`), newest first.
     */
    resource: Schema.optional(
      Schema.UUID.annotations({
        description:
          "Only the tasks that made, changed or deleted this resource (server, volume, port, floating IP, " +
          "network); every state unless `state` is given"
      })
    )
  })
)

/** `GET /tasks/{id}?wait=SECONDS`: answer once the task has ended, or after that many seconds (≤ 60). */
export const TaskWaitParams = Input.query(
  Schema.Struct({
    wait: Schema.optional(
      Schema.NumberFromString.pipe(Schema.int(), Schema.between(0, 60)).annotations({
        description: "Seconds (0–60) to hold the answer until the task has ended"
      })
    )
  })
)

/** A task that is not the caller's to see answers 404 like a missing one. */
const taskNotFound = Answers.notFound(ErrorCode.taskNotFound)

/** Retry and rollback of a held task answer alike: 202 with the task, or 409 when it is not held. */
const takeUpHeld = <Name extends string, Path>(
  endpoint: HttpApiEndpoint.HttpApiEndpoint<Name, "POST", Path>
) =>
  endpoint
    .addSuccess(TaskResponse, { status: 202 })
    .addError(Answers.badRequest(ErrorCode.requestInvalid))
    .addError(Answers.bodyRefused)
    .addError(taskNotFound)
    .addError(Answers.conflict(ErrorCode.taskNotHeld))

export class VersionsGroup extends HttpApiGroup.make("versions").add(
  HttpApiEndpoint.get("versions", "/").addSuccess(VersionsResponse)
) {}

/**
 * Every porcelain command of the registry: one call, one task, answered 202. `Command.make` declares
 * what each answers (its refusals, the idempotency conflict, the key, the store).
 */
export class PorcelainGroup extends registry.group
  .middleware(Authentication)
  .annotate(OpenApi.Description, "The porcelain calls: each runs as a task and answers 202 with it.") {}

export class TasksGroup extends HttpApiGroup.make("tasks")
  .add(
    HttpApiEndpoint.get("listTasks", "/tasks")
      .setUrlParams(TaskListParams)
      .addSuccess(TaskListResponse)
      .addError(Answers.badRequest(ErrorCode.requestInvalid, ErrorCode.taskMarkerNotFound))
      .annotate(PolicyRule, rule("enamel:task:list"))
  )
  .add(
    HttpApiEndpoint.get("getTask")`/tasks/${taskId}`
      .setUrlParams(TaskWaitParams)
      .addSuccess(TaskDetailResponse)
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(taskNotFound)
      .annotate(PolicyRule, rule("enamel:task:get"))
      .annotate(
        OpenApi.Description,
        "The task with its timeline. With `?wait=SECONDS` (0–60) the answer is held until the task has " +
          "ended, or for that many seconds, and then gives the task as it is: one request instead of polling."
      )
  )
  .add(
    HttpApiEndpoint.get("taskEvents")`/tasks/${taskId}/events`
      .setHeaders(
        Input.header(
          Schema.Struct({ "last-event-id": Schema.optional(Schema.NumberFromString.pipe(Schema.int())) })
        )
      )
      .addSuccess(
        Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" }))
      )
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(taskNotFound)
      .annotate(PolicyRule, rule("enamel:task:events"))
      .annotate(
        OpenApi.Description,
        "The task's timeline as Server-Sent Events (`event: stage`, id = entry seq), then `event: task` with " +
          "the final task and the stream ends. Resume with Last-Event-ID."
      )
  )
  .add(
    HttpApiEndpoint.post("cancelTask")`/tasks/${taskId}/cancel`
      .addSuccess(TaskResponse, { status: 202 })
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(Answers.bodyRefused)
      .addError(taskNotFound)
      .addError(Answers.conflict(ErrorCode.taskNotCancellable))
      .annotate(PolicyRule, rule("enamel:task:cancel"))
  )
  .add(
    HttpApiEndpoint.del("deleteTask")`/tasks/${taskId}`
      .addSuccess(TaskResponse, { status: 202 })
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(Answers.bodyRefused)
      .addError(taskNotFound)
      .addError(Answers.conflict(ErrorCode.taskNotCancellable))
      .annotate(PolicyRule, rule("enamel:task:delete"))
  )
  .add(
    takeUpHeld(HttpApiEndpoint.post("retryTask")`/tasks/${taskId}/retry`)
      .annotate(PolicyRule, rule("enamel:task:retry"))
      .annotate(
        OpenApi.Description,
        'Takes a held task (FAILED, `"held": true`: asked with `"on_failure": "keep"`) back to RUNNING: a ' +
          "worker resumes it from the stage that failed; the stages it completed are not run again, and the " +
          "failed stage's attempts go on counting. Should it fail again, it is held again. Any other task: 409 " +
          "`task.not_held`."
      )
  )
  .add(
    takeUpHeld(HttpApiEndpoint.post("rollbackTask")`/tasks/${taskId}/rollback`)
      .annotate(PolicyRule, rule("enamel:task:rollback"))
      .annotate(
        OpenApi.Description,
        "Undoes what a held task made, latest first: ROLLING_BACK, then ROLLED_BACK; FAILED (not held) with " +
          "the compensation report when an undo failed. Any task not held: 409 `task.not_held`."
      )
  )
  .addError(Answers.serviceUnavailable(ErrorCode.serviceUnavailable))
  .middleware(Authentication) {}

/**
 * Operators tune the fleet of workers: per topic (a task type of the registry), the desired concurrency
 * and pause, stored and applied by every worker within a second, beside what each live worker reports.
 * The admin role only (policy rules `enamel:admin:…`); others get 403 `policy.forbidden`.
 */
export class AdminGroup extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.get("listTopics", "/admin/topics")
      .addSuccess(Admin.TopicListResponse)
      .annotate(PolicyRule, rule("enamel:admin:topic:list"))
      .annotate(
        OpenApi.Description,
        "Every topic: its desired setting, and each live worker's concurrency, running count and last heartbeat."
      )
  )
  .add(
    HttpApiEndpoint.patch("setTopic")`/admin/topics/${Admin.topicParam}`
      .setPayload(Admin.TopicChangeRequest)
      .addSuccess(Admin.TopicResponse)
      .addError(Answers.badRequest(ErrorCode.requestInvalid, ErrorCode.requestMalformed))
      .addError(Answers.bodyRefused)
      .addError(Answers.notFound(ErrorCode.topicNotFound))
      .annotate(PolicyRule, rule("enamel:admin:topic:set"))
      .annotate(
        OpenApi.Description,
        "Stores the topic's desired concurrency and/or pause; every worker applies it within a second " +
          "(its workers' figures in the answer are those of their last heartbeat, before the change)."
      )
  )
  .add(
    HttpApiEndpoint.post("drain", "/admin/drain")
      .addSuccess(Admin.TopicListResponse, { status: 202 })
      .addError(Answers.bodyRefused)
      .annotate(PolicyRule, rule("enamel:admin:drain"))
      .annotate(
        OpenApi.Description,
        "Pauses every topic (stored: workers that start later come up paused too). Running tasks finish; " +
          "the fleet is drained when GET /admin/topics shows no worker running any. Resume a topic with " +
          'PATCH /admin/topics/{topic} {"paused": false}.'
      )
  )
  .addError(Answers.serviceUnavailable(ErrorCode.serviceUnavailable))
  .middleware(Authentication) {}

/**
 * Porcelain reads: no task, nothing stored; read live from the cloud with the caller's own token.
 */
export class ServersGroup extends HttpApiGroup.make("servers")
  .add(
    HttpApiEndpoint.get("getServer")`/servers/${HttpApiSchema.param("id", Input.pathParam(Schema.UUID))}`
      .addSuccess(ServerResponse)
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(Answers.notFound(ErrorCode.serverNotFound))
      .annotate(PolicyRule, rule("enamel:server:get"))
      .annotate(
        OpenApi.Description,
        "The server read live from Nova, Neutron, Cinder and Glance: status, flavor, image, its volumes with " +
          "devices, its ports with fixed IPs, security groups and floating IPs, and for each resource the " +
          "task that made it (null when Enamel did not). No task; nothing stored."
      )
  )
  .add(
    HttpApiEndpoint.get(
      "listServerBackups"
    )`/servers/${HttpApiSchema.param("id", Input.pathParam(Schema.UUID))}/backups`
      .addSuccess(BackupListResponse)
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(Answers.notFound(ErrorCode.serverNotFound))
      .annotate(PolicyRule, rule("enamel:server:backup:list"))
      .annotate(
        OpenApi.Description,
        "The server's backup sets read live from Cinder (its snapshots marked with the server and a " +
          "backup id), newest first: each set's name, when it was made, and its snapshots with the volume, " +
          "the device it was attached as and the snapshot's status. No task; nothing stored."
      )
  )
  .addError(Answers.serviceUnavailable(ErrorCode.serviceUnavailable))
  .middleware(Authentication) {}

/** `GET /networks/{id}`: a porcelain read, live from Neutron with the caller's own token. */
export class NetworksGroup extends HttpApiGroup.make("networks")
  .add(
    HttpApiEndpoint.get("getNetwork")`/networks/${HttpApiSchema.param("id", Input.pathParam(Schema.UUID))}`
      .addSuccess(NetworkResponse)
      .addError(Answers.badRequest(ErrorCode.requestInvalid))
      .addError(Answers.notFound(ErrorCode.networkNotFound))
      .annotate(PolicyRule, rule("enamel:network:get"))
      .annotate(
        OpenApi.Description,
        "The network read live from Neutron: its subnets (CIDR, gateway, DNS servers), the routers with an " +
          "interface on it and the external network of each one's gateway, the ports on it (device owner, " +
          "device id, addresses), and for each resource the task that made it (null when Enamel did not). " +
          "No task; nothing stored."
      )
  )
  .addError(Answers.serviceUnavailable(ErrorCode.serviceUnavailable))
  .middleware(Authentication) {}

/** The whole contract; the server implements it, clients derive from it, /openapi.json describes it. */
export class EnamelApi extends HttpApi.make("enamel")
  .add(VersionsGroup)
  .add(PorcelainGroup)
  .add(TasksGroup)
  .add(AdminGroup)
  .add(ServersGroup)
  .add(NetworksGroup)
  .add(SignInGroup)
  .addError(Answers.anyRequest)
  .annotate(OpenApi.Title, "Enamel")
  .annotate(OpenApi.Version, Microversions.maxVersion)
  .annotate(OpenApi.Description, OpenApiDocument.description)
  .annotate(HttpApi.AdditionalSchemas, [ErrorDocument])
  .annotate(OpenApi.Transform, OpenApiDocument.truthful(["ErrorDocument"])) {}
