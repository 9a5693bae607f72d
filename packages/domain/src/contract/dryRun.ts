/**
 * `?dry_run=true` on every task-creating endpoint: the command's admission checks run as for a real
 * request, then its plan (what it would resolve, create or delete, and the project's quotas that must
 * allow it), and the API answers 200 with that plan. Nothing is created and nothing is stored: no task,
 * no key, no idempotency record. A request that would exceed a quota answers 409 `quota.exceeded`.
 */
import { Schema } from "effect"

/** `?dry_run=`: `true` plans only; `false` (or none) runs the command; anything else is a 400. */
export const DryRunQueryFields = {
  dry_run: Schema.optional(
    Schema.BooleanFromString.annotations({
      description:
        "true: answer 200 with the plan (names resolved to ids, what would be created, the quotas it needs) and create nothing; false or absent: run the command"
    })
  )
}

/** Which service's quota: Nova (`compute`), Cinder (`volume`) or Neutron (`network`). */
export const QuotaService = Schema.Literal("compute", "volume", "network")
export type QuotaService = typeof QuotaService.Type

/** One quota a request needs: its limit (-1: none), what the project uses, and what the request adds. */
export const QuotaUse = Schema.Struct({
  service: QuotaService,
  /** Nova's `instances`, `cores`, `ram` (MiB), `key_pairs`; Cinder's `volumes`, `gigabytes`, `snapshots`; Neutron's `port`, `floatingip`, `network`, `subnet`, `router`. */
  quota: Schema.String,
  limit: Schema.Number,
  used: Schema.Number,
  needed: Schema.Number
})
export type QuotaUse = typeof QuotaUse.Type

/** A service whose quotas could not be read with the caller's token (its own refusal then decides). */
export const QuotaUnchecked = Schema.Struct({ service: QuotaService, reason: Schema.String })
export type QuotaUnchecked = typeof QuotaUnchecked.Type

/** What a command would do, as its folder plans it (the API adds the type). */
export const Planned = Schema.Struct({
  /** Every name of the request resolved to its id, keyed `kind:name` (`image:cirros`, `flavor:m1.small`). */
  resolved: Schema.Record({ key: Schema.String, value: Schema.String }),
  /** How many of each resource type it would create (`server`, `volume`, `port`, `floating_ip`, …). */
  creates: Schema.Record({ key: Schema.String, value: Schema.Int }),
  /** How many of each resource type it would delete, where it can say before it runs. */
  deletes: Schema.Record({ key: Schema.String, value: Schema.Int }),
  /** The quotas it needs, each with room for it (one without room is a 409 instead). */
  quotas: Schema.Array(QuotaUse),
  quotas_unchecked: Schema.Array(QuotaUnchecked)
})
export type Planned = typeof Planned.Type

/** The 200 answer of a dry run. */
export const DryRunResponse = Schema.Struct({
  dry_run: Schema.Struct({ type: Schema.String, ...Planned.fields })
}).annotations({ identifier: "DryRunResponse", description: "The plan of a dry run: nothing was created." })
export type DryRunResponse = typeof DryRunResponse.Type

/** A plan for a command that checks its admission only, and creates or deletes nothing it can count. */
export const nothingPlanned: Planned = {
  resolved: {},
  creates: {},
  deletes: {},
  quotas: [],
  quotas_unchecked: []
}
