import { defaultOnFailure, OnFailure } from "@enamel/domain"
import { Predicate, Schema } from "effect"

/**
 * A task-creating request's `on_failure` (`Command.OnFailureFields`): in the body where the endpoint has
 * one, else in the query. The endpoint decoded it already (an unknown value was a 400 naming the field);
 * it is the task's, never the flow's params.
 */
const isOnFailure = Schema.is(OnFailure)

const given = (part: unknown): OnFailure | undefined =>
  Predicate.isRecord(part) && isOnFailure(part.on_failure) ? part.on_failure : undefined

export const onFailureOf = (request: {
  readonly payload?: unknown
  readonly urlParams?: unknown
}): OnFailure => given(request.payload) ?? given(request.urlParams) ?? defaultOnFailure

/** The body's fields without the task-level ones: what goes into the flow's params. */
export const flowFields = (payload: unknown): Record<string, unknown> => {
  if (!Predicate.isRecord(payload)) return {}
  const { on_failure: _taskLevel, ...fields } = payload
  return fields
}

/**
 * What `on_failure` adds to the digest an Idempotency-Key is checked against: the option is part of "the
 * same request". Nothing for the default, so a request without it digests as it always did.
 */
export const digestPart = (onFailure: OnFailure): string =>
  onFailure === defaultOnFailure ? "" : `\non_failure=${onFailure}`
