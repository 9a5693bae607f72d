/**
 * A dry run's plan runs a flow's first-stage checks with the caller's session; what they fail with is
 * answered as the API would refuse it: a request's problem (a tagged error with a catalogue code) is a 404
 * when its tag says NotFound and a 409 otherwise, `QuotaExceeded` is a 409 `quota.exceeded`, and a cloud
 * that cannot answer is a 503.
 */
import { type OpenStackError, OpenStackFailures } from "@enamel/openstack-clients"
import { Effect } from "effect"
import type { Planned } from "../../contract/dryRun.js"
import { Conflict, NotFound, type ServiceUnavailable } from "../../contract/errors.js"
import type { ErrorCode } from "../../ErrorCatalogue.js"
import { cloudUnavailable } from "./servers.js"

/** A first-stage check's own failure: it names its catalogue code. */
export interface CodedFailure {
  readonly _tag: string
  readonly code: ErrorCode
  readonly message: string
}

/** `what`: what the plan was asking the cloud (for the 503's words). */
export const planRefusal =
  (what: string) =>
  (error: CodedFailure | OpenStackError): Effect.Effect<never, NotFound | Conflict | ServiceUnavailable> => {
    if (OpenStackFailures.isOpenStackError(error)) return Effect.fail(cloudUnavailable(what, error))
    const refusal = { code: error.code, detail: error.message }
    return Effect.fail(error._tag.endsWith("NotFound") ? new NotFound(refusal) : new Conflict(refusal))
  }

/** The plan of a command that removes things only: what it resolved, what would go; no quota. */
export const removalPlan = (
  resolved: Readonly<Record<string, string>>,
  deletes: Readonly<Record<string, number>>
): Planned => ({ resolved, creates: {}, deletes, quotas: [], quotas_unchecked: [] })
