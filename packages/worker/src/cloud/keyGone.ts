import { Predicate } from "effect"

/**
 * Failures of a task's key that waiting will not cure: the task has none, its secret is gone from the key
 * store, what is stored is not a key, or Keystone refuses the application credential (deleted, expired).
 * An outage of Keystone or the key store is not among them: that task runs later.
 */
export const isGone = (error: unknown): boolean =>
  Predicate.isTagged(error, "TaskHasNoKey") ||
  Predicate.isTagged(error, "KeyNotFound") ||
  Predicate.isTagged(error, "OpenStackNotFound") ||
  Predicate.isTagged(error, "OpenStackUnauthorized") ||
  Predicate.isTagged(error, "OpenStackUnexpectedResponse")
