import { Data, Schema } from "effect"
import { ErrorInfo } from "../errors.js"

/** What unwinding did: the stages undone, and the undos that failed (with why). */
export const CompensationReport = Schema.Struct({
  compensated: Schema.Array(Schema.String),
  failed: Schema.Array(Schema.Struct({ path: Schema.String, error: ErrorInfo }))
})
export type CompensationReport = typeof CompensationReport.Type

export type FlowOutcome<O> = Data.TaggedEnum<{
  Succeeded: { readonly result: O }
  Failed: { readonly error: ErrorInfo; readonly compensation: CompensationReport }
  Cancelled: { readonly compensation: CompensationReport }
  /** A stage failed and nothing was undone (`on_failure: "keep"`): the task waits for a retry or rollback. */
  Held: { readonly error: ErrorInfo }
  /** A held run was rolled back, every undo succeeded; `error` is the failure that held it. */
  RolledBack: { readonly error: ErrorInfo; readonly compensation: CompensationReport }
}>
interface FlowOutcomeDefinition extends Data.TaggedEnum.WithGenerics<1> {
  readonly taggedEnum: FlowOutcome<this["A"]>
}
export const FlowOutcome = Data.taggedEnum<FlowOutcomeDefinition>()
