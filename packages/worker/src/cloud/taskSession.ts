import { KeyStore } from "@enamel/keys"
import { type HttpTransport, ServiceSession, Session, Sessions } from "@enamel/openstack-clients"
import type { TaskRecord, UserKeyRefs } from "@enamel/persistence"
import { Data, Effect, Layer } from "effect"
import { failsWhenKeyIsGone } from "./keyUnavailable.js"

export class TaskHasNoKey extends Data.TaggedError("TaskHasNoKey")<{ readonly taskId: string }> {}

/**
 * The task's own session (step 6 of the original design): Enamel's service user reads the user's key
 * from the KeyStore (Barbican, or the local store) and authenticates with it, as the user, on the
 * task's project. The secret lives only in this session's memory; the session's token is revoked when
 * the task's run ends.
 */
export const taskSession = (task: TaskRecord) =>
  Layer.scoped(
    Session,
    Effect.gen(function* () {
      if (task.keyRef === null) return yield* new TaskHasNoKey({ taskId: task.id })
      const service = yield* ServiceSession.ServiceSession
      const payload = yield* Effect.flatMap(KeyStore, (keys) => keys.read(task.keyRef ?? ""))
      return yield* Sessions.fromApplicationCredentialKey(payload, {
        source: `the key ${task.keyRef}`,
        revokeOnClose: true
      }).pipe(Effect.provideService(Session, service))
    }).pipe(failsWhenKeyIsGone(task))
  )

export type TaskSessionRequirements =
  | ServiceSession.ServiceSession
  | KeyStore
  | UserKeyRefs
  | HttpTransport.HttpTransport
