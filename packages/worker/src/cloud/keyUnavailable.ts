import { ErrorCode } from "@enamel/domain"
import { KeyStore } from "@enamel/keys"
import type { SessionShape } from "@enamel/openstack-clients"
import { type TaskRecord, UserKeyRefs } from "@enamel/persistence"
import { Effect, Predicate } from "effect"
import { TaskCannotRun } from "../TaskFlows.js"
import { isGone } from "./keyGone.js"
import { UserSessions } from "./UserSessions.js"

const why = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : String(error)

const keyUnavailable = (task: TaskRecord, error: unknown) =>
  new TaskCannotRun({
    error: {
      code: ErrorCode.keyUnavailable,
      message: `the key Enamel keeps to act for you is gone or refused (${why(error)}); task ${task.id} cannot run`
    }
  })

/**
 * The API would hand the dead reference to the user's next tasks too; without it, it makes a new key.
 * What is left of the key in the store goes too (an application credential refused by Keystone leaves
 * its secret behind; the credential itself only its user may delete, and it expires).
 */
const forgetKey = (task: TaskRecord) =>
  task.keyRef === null
    ? Effect.void
    : Effect.gen(function* () {
        const ref = task.keyRef ?? ""
        yield* Effect.flatMap(UserSessions, (sessions) => sessions.forget(ref))
        yield* Effect.flatMap(UserKeyRefs, (refs) => refs.forget(ref))
        yield* Effect.flatMap(KeyStore, (keys) => keys.remove(ref))
      }).pipe(Effect.catchAll((error) => Effect.logWarning("cannot drop a user key found gone", error)))

/**
 * Builds the task's session and authenticates it at once (a refused key must not look like a failed
 * stage); a key that is gone fails the task at once with `key.unavailable` instead of being retried until
 * the task's restarts run out, and is dropped from user_keys.
 */
export const failsWhenKeyIsGone =
  (task: TaskRecord) =>
  <E, R>(session: Effect.Effect<SessionShape, E, R>) =>
    session.pipe(
      Effect.tap((built) => built.authentication),
      Effect.catchIf(isGone, (error) =>
        Effect.zipRight(forgetKey(task), Effect.fail(keyUnavailable(task, error)))
      )
    )
