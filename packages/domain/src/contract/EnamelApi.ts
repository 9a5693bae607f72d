import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { TaskState } from "../engine/task/TaskState.js"
import { registry } from "../flows/registry.js"
import { Authentication } from "./Authentication.js"
import { BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable } from "./errors.js"
import { Text } from "./text.js"
import { TaskDetailResponse, TaskListResponse, TaskResponse, VersionsResponse } from "./views.js"

const taskId = HttpApiSchema.param("id", Schema.UUID)

export const TaskListParams = Schema.Struct({
  /** A state, `active` (those not ended: the default) or `all`. */
  state: Schema.optional(Schema.Union(TaskState, Schema.Literal("active", "all"))),
  scope: Schema.optional(Schema.Literal("user", "project")),
  all_projects: Schema.optional(Schema.BooleanFromString),
  type: Schema.optional(Text.pipe(Schema.maxLength(255))),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000))),
  marker: Schema.optional(Schema.UUID)
})

export class VersionsGroup extends HttpApiGroup.make("versions").add(
  HttpApiEndpoint.get("versions", "/").addSuccess(VersionsResponse)
) {}

/** Every porcelain command of the registry: one call, one task, answered 202. */
export class PorcelainGroup extends registry.group
  .addError(BadRequest)
  .addError(Forbidden)
  .addError(ServiceUnavailable)
  .middleware(Authentication)
  .annotate(OpenApi.Description, "The porcelain calls: each runs as a task and answers 202 with it.") {}

export class TasksGroup extends HttpApiGroup.make("tasks")
  .add(HttpApiEndpoint.get("listTasks", "/tasks").setUrlParams(TaskListParams).addSuccess(TaskListResponse))
  .add(HttpApiEndpoint.get("getTask")`/tasks/${taskId}`.addSuccess(TaskDetailResponse))
  .add(
    HttpApiEndpoint.get("taskEvents")`/tasks/${taskId}/events`
      .setHeaders(
        Schema.Struct({ "last-event-id": Schema.optional(Schema.NumberFromString.pipe(Schema.int())) })
      )
      .addSuccess(
        Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" }))
      )
      .annotate(
        OpenApi.Description,
        "The task's timeline as Server-Sent Events (`event: stage`, id = entry seq), then `event: task` with " +
          "the final task and the stream ends. Resume with Last-Event-ID."
      )
  )
  .add(
    HttpApiEndpoint.post("cancelTask")`/tasks/${taskId}/cancel`
      .addSuccess(TaskResponse, { status: 202 })
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.del("deleteTask")`/tasks/${taskId}`
      .addSuccess(TaskResponse, { status: 202 })
      .addError(Conflict)
  )
  .addError(BadRequest)
  .addError(NotFound)
  .addError(Forbidden)
  .addError(ServiceUnavailable)
  .middleware(Authentication) {}

/** The whole contract; the server implements it, clients derive from it, /openapi.json describes it. */
export class EnamelApi extends HttpApi.make("enamel")
  .add(VersionsGroup)
  .add(PorcelainGroup)
  .add(TasksGroup)
  .annotate(OpenApi.Title, "Enamel")
  .annotate(OpenApi.Description, "Porcelain API for OpenStack: one call, one durable task.") {}
