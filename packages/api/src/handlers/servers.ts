import { createHash } from "node:crypto"
import { HttpApiBuilder, HttpApp, HttpServerResponse } from "@effect/platform"
import { TaskId, TaskMessageJson, TaskType } from "@enamel/domain"
import { CreateServersRequest, CurrentCaller, EnamelApi } from "@enamel/domain/api"
import { OutboxRelay, TaskStore } from "@enamel/persistence"
import { Effect, Schema } from "effect"
import { UserKeys } from "../keys/UserKeys.js"
import { conflict, unavailable } from "./storeErrors.js"
import { taskView } from "./views.js"

const encodeRequest = Schema.encodeSync(CreateServersRequest)
const encodeMessage = Schema.encodeSync(TaskMessageJson)

/**
 * `POST /servers` (steps 1–4 of the original design): the caller's key, then the task and its outbox
 * row in one statement, then a nudge to the relay. Answers 202 with the task and its Location.
 */
export const layer = HttpApiBuilder.group(EnamelApi, "servers", (handlers) =>
  Effect.gen(function* () {
    const store = yield* TaskStore
    const relay = yield* OutboxRelay
    const keys = yield* UserKeys
    /** Writes the task and its outbox row (one statement), nudges the relay, and answers 202 with Location. */
    const accept = (type: string, params: unknown, priority: number, idempotencyKey: string | undefined) =>
      Effect.gen(function* () {
        const caller = yield* CurrentCaller
        const keyRef = yield* keys.keyFor(caller)
        const id = crypto.randomUUID()
        const { task, created } = yield* store
          .create({
            id,
            type,
            projectId: caller.projectId,
            userId: caller.userId,
            priority,
            params,
            keyRef,
            idempotencyKey: idempotencyKey ?? null,
            requestHash: createHash("sha256")
              .update(`${type}\n${JSON.stringify(params)}`)
              .digest("hex"),
            message: encodeMessage({
              taskId: TaskId.make(id),
              type: TaskType.make(type),
              resumeFrom: null,
              restarts: 0
            })
          })
          .pipe(
            Effect.catchTags({
              IdempotencyConflict: (e) => Effect.fail(conflict(e)),
              TaskStoreError: () => Effect.fail(unavailable())
            })
          )
        if (created) yield* relay.nudge
        yield* HttpApp.appendPreResponseHandler((_request, response) =>
          Effect.succeed(HttpServerResponse.setHeader(response, "location", `/tasks/${task.id}`))
        )
        return { task: taskView(task) }
      })

    return handlers
      .handle("createServers", ({ payload, headers }) =>
        accept("server.create", encodeRequest(payload), payload.priority, headers["idempotency-key"])
      )
      .handle("deleteServer", ({ path, headers }) =>
        accept("server.delete", { server_id: path.id }, 5, headers["idempotency-key"])
      )
  })
)
