import {
  type Barbican,
  type HttpTransport,
  ServiceSession,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import type { TaskRecord } from "@enamel/persistence"
import { Data, Effect, Layer } from "effect"
import { failsWhenKeyIsGone } from "./keyUnavailable.js"

export class TaskHasNoKey extends Data.TaggedError("TaskHasNoKey")<{ readonly taskId: string }> {}

/**
 * The task's own session (step 6 of the original design): Enamel's service user reads the user's key
 * from Barbican and authenticates with it, as the user, on the task's project. The secret lives only in
 * this session's memory; the session's token is revoked when the task's run ends.
 */
export const taskSession = (task: TaskRecord) =>
  Layer.scoped(
    Session,
    Effect.gen(function* () {
      if (task.keyRef === null) return yield* new TaskHasNoKey({ taskId: task.id })
      const service = yield* ServiceSession.ServiceSession
      return yield* Sessions.fromBarbicanKey(task.keyRef, { revokeOnClose: true }).pipe(
        Effect.provideService(Session, service)
      )
    }).pipe(failsWhenKeyIsGone(task))
  )

export type TaskSessionRequirements = ServiceSession.ServiceSession | Barbican | HttpTransport.HttpTransport
