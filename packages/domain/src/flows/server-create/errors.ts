import type { OpenStackError } from "@enamel/openstack-clients"
import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/**
 * Something the request names does not exist or cannot be used (`flavor m1.huge not found`). Found
 * before anything is created; every problem is named at once.
 */
export class UnresolvedRequest extends Schema.TaggedError<UnresolvedRequest>()(
  "UnresolvedRequest",
  { problems: Schema.Array(Schema.String) },
  { description: "The request names something that does not exist or cannot be used" }
) {
  readonly code = ErrorCode.serverRequestUnresolved
  override get message(): string {
    return this.problems.join("; ")
  }
}

export type ResolveError = UnresolvedRequest | OpenStackError

/** Several look-ups' failures as one: a cloud failure (retried as a whole), or all the problems found. */
export const combineFailures = (errors: ReadonlyArray<ResolveError>): ResolveError =>
  errors.find((error) => !(error instanceof UnresolvedRequest)) ??
  new UnresolvedRequest({
    problems: errors.flatMap((error) => (error instanceof UnresolvedRequest ? error.problems : []))
  })

export const problem = (text: string) => new UnresolvedRequest({ problems: [text] })

/**
 * `network: "auto"`: the project's default network, which another task was making, was not ready in
 * time; or the tasks that asked for it at once kept colliding. What this task made was undone.
 */
export class DefaultNetworkNotReady extends Schema.TaggedError<DefaultNetworkNotReady>()(
  "DefaultNetworkNotReady",
  { detail: Schema.String },
  { description: "The project's default network was not ready in time" }
) {
  readonly code = ErrorCode.networkDefaultNotReady
  override get message(): string {
    return `the project's default network (network "auto") is not ready: ${this.detail}; send the request again`
  }
}
