import type { KeyStore } from "@enamel/keys"
import { type HttpTransport, type ServiceSession, Session } from "@enamel/openstack-clients"
import type { TaskRecord, UserKeyRefs } from "@enamel/persistence"
import { Effect, Layer } from "effect"
import { TaskHasNoKey } from "./keyGone.js"
import { failsWhenKeyIsGone } from "./keyUnavailable.js"
import { UserSessions } from "./UserSessions.js"

/**
 * The task's own session (step 6 of the original design): the user's session built from their key, which
 * Enamel's service user reads from the KeyStore (Barbican, or the local store), authenticated as the
 * user on the task's project. The worker reuses it for the same key's next tasks (UserSessions); the
 * secret and the token live only in the worker's memory.
 */
export const taskSession = (task: TaskRecord) =>
  Layer.scoped(
    Session,
    Effect.gen(function* () {
      if (task.keyRef === null) return yield* new TaskHasNoKey({ taskId: task.id })
      const sessions = yield* UserSessions
      return yield* sessions.session(task.keyRef)
    }).pipe(failsWhenKeyIsGone(task))
  )

export type TaskSessionRequirements =
  | UserSessions
  | ServiceSession.ServiceSession
  | KeyStore
  | UserKeyRefs
  | HttpTransport.HttpTransport
