import type { SessionShape } from "@enamel/openstack-clients"
import type { TaskRecord } from "@enamel/persistence"
import { Effect, Predicate } from "effect"
import { TaskCannotRun } from "../TaskFlows.js"

/**
 * Failures of a task's key that waiting will not cure: the task has none, its secret is gone from the key
 * store, what is stored is not a key, or Keystone refuses the application credential (deleted, expired).
 * An outage of Keystone or the key store is not among them: that task runs later.
 */
const isGone = (error: unknown): boolean =>
  Predicate.isTagged(error, "TaskHasNoKey") ||
  Predicate.isTagged(error, "KeyNotFound") ||
  Predicate.isTagged(error, "OpenStackNotFound") ||
  Predicate.isTagged(error, "OpenStackUnauthorized") ||
  Predicate.isTagged(error, "OpenStackUnexpectedResponse")

const why = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : String(error)

const keyUnavailable = (task: TaskRecord, error: unknown) =>
  new TaskCannotRun({
    error: {
      code: "key.unavailable",
      message: `the key Enamel keeps to act for you is gone or refused (${why(error)}); task ${task.id} cannot run`
    }
  })

/**
 * Builds the task's session and authenticates it at once (a refused key must not look like a failed
 * stage); a key that is gone fails the task at once with `key.unavailable` instead of being retried until
 * the task's restarts run out.
 */
export const failsWhenKeyIsGone =
  (task: TaskRecord) =>
  <E, R>(session: Effect.Effect<SessionShape, E, R>) =>
    session.pipe(
      Effect.tap((built) => built.authentication),
      Effect.catchIf(isGone, (error) => Effect.fail(keyUnavailable(task, error)))
    )
