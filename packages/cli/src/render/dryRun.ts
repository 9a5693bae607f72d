/**
 * A dry run's plan (`--dry-run`): in a table, what the names resolved to, what would be created or
 * deleted, and each quota with its limit, use, need and what would be left; `json` prints the API's answer
 * as it came; `value` one line per quota (service quota limit used needed).
 */
import type { DryRunResponse } from "@enamel/domain/contract"
import type { Format } from "../globals.js"
import { line } from "./Output.js"
import { table } from "./table.js"

const counts = (record: Readonly<Record<string, number>>) =>
  Object.entries(record)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ") || "nothing"

const planText = (answer: DryRunResponse): string => {
  const plan = answer.dry_run
  const resolved = Object.entries(plan.resolved)
  const parts = [
    `Dry run of ${plan.type}: nothing was created.`,
    `Would create: ${counts(plan.creates)}`,
    ...(Object.keys(plan.deletes).length > 0 ? [`Would delete: ${counts(plan.deletes)}`] : []),
    ...(resolved.length > 0 ? ["Resolved:", table(["Name", "Id"], resolved)] : []),
    ...(plan.quotas.length > 0
      ? [
          "Quotas:",
          table(
            ["Service", "Quota", "Limit", "Used", "Needed", "Left after"],
            plan.quotas.map((q) => [
              q.service,
              q.quota,
              q.limit < 0 ? "unlimited" : q.limit,
              q.used,
              q.needed,
              q.limit < 0 ? "" : q.limit - q.used - q.needed
            ])
          )
        ]
      : []),
    ...plan.quotas_unchecked.map((u) => `Not checked (${u.service}): ${u.reason}`)
  ]
  return parts.join("\n")
}

export const printPlan = (format: Format, answer: DryRunResponse) =>
  format === "json"
    ? line(JSON.stringify(answer, null, 2))
    : format === "value"
      ? line(
          answer.dry_run.quotas
            .map((q) => [q.service, q.quota, q.limit, q.used, q.needed].join(" "))
            .join("\n")
        )
      : line(planText(answer))
