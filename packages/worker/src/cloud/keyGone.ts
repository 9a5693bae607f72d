import { KeyNotFound } from "@enamel/keys"
import {
  OpenStackNotFound,
  OpenStackUnauthorized,
  OpenStackUnexpectedResponse
} from "@enamel/openstack-clients"
import { Data } from "effect"

/** The task was accepted without a key reference: there is nothing to act for its user with. */
export class TaskHasNoKey extends Data.TaggedError("TaskHasNoKey")<{ readonly taskId: string }> {}

/**
 * Failures of a task's key that waiting will not cure: the task has none, its secret is gone from the key
 * store, what is stored is not a key, or Keystone refuses the application credential (deleted, expired).
 * An outage of Keystone or the key store is not among them: that task runs later.
 */
export const isGone = (error: unknown): boolean =>
  error instanceof TaskHasNoKey ||
  error instanceof KeyNotFound ||
  error instanceof OpenStackNotFound ||
  error instanceof OpenStackUnauthorized ||
  error instanceof OpenStackUnexpectedResponse
