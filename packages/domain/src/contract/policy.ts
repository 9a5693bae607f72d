/**
 * Who may call what: every policy rule of Enamel, with its default, in one table. Roles mean what
 * Keystone's defaults say: `reader` lists and reads (tasks, the porcelain views, events), `member` does
 * everything in its project, `admin` sees every project and tunes the fleet (`/admin/…`). Each endpoint
 * of the contract names its rule (`PolicyRule`); a porcelain command's rule comes from its task type
 * (`commandRule`), so a new command needs no line here. An operator overrides any rule with
 * `ENAMEL_POLICY_FILE` (YAML, rule name → expression); the API's `policy/` module reads and enforces it.
 *
 * Expressions, as oslo.policy writes them: `role:NAME`, `rule:NAME` (another rule), `@` (anyone), `!`
 * (no one), joined with `and`, `or`, `not` and parentheses.
 */
import { Context } from "effect"

export interface RuleDefault {
  /** The expression that holds unless the policy file says otherwise. */
  readonly check: string
  /** What the rule guards, for the README and an operator's policy file. */
  readonly description: string
}

/** The rules the endpoints name, and the three base rules they refer to. */
export const rules = {
  admin: { check: "role:admin", description: "Keystone's admin role" },
  member: { check: "role:member or rule:admin", description: "changes things in the caller's project" },
  reader: { check: "role:reader or rule:member", description: "reads what the caller's project may see" },
  "enamel:task:list": { check: "rule:reader", description: "GET /tasks" },
  "enamel:task:get": { check: "rule:reader", description: "GET /tasks/{id}" },
  "enamel:task:events": { check: "rule:reader", description: "GET /tasks/{id}/events" },
  "enamel:task:cancel": { check: "rule:member", description: "POST /tasks/{id}/cancel" },
  "enamel:task:delete": { check: "rule:member", description: "DELETE /tasks/{id} (cancels it)" },
  "enamel:task:retry": { check: "rule:member", description: "POST /tasks/{id}/retry" },
  "enamel:task:rollback": { check: "rule:member", description: "POST /tasks/{id}/rollback" },
  "enamel:task:all_projects": {
    check: "rule:admin",
    description: "every project's tasks: GET /tasks?all_projects=true, and any task by id"
  },
  "enamel:server:get": { check: "rule:reader", description: "GET /servers/{id}" },
  "enamel:server:backup:list": { check: "rule:reader", description: "GET /servers/{id}/backups" },
  "enamel:network:get": { check: "rule:reader", description: "GET /networks/{id}" },
  "enamel:admin:topic:list": { check: "rule:admin", description: "GET /admin/topics" },
  "enamel:admin:topic:set": { check: "rule:admin", description: "PATCH /admin/topics/{topic}" },
  "enamel:admin:drain": { check: "rule:admin", description: "POST /admin/drain" }
} as const satisfies Readonly<Record<string, RuleDefault>>

export type RuleName = keyof typeof rules

/** Every porcelain command (a task, dry run or not) unless the policy file says otherwise: a member's. */
export const commandDefault: RuleDefault = {
  check: "rule:member",
  description: "the porcelain command (its task, or its ?dry_run=true plan)"
}

/** A porcelain command's rule, from its task type: `server.volume.attach` → `enamel:server:volume:attach`. */
export const commandRule = (type: string): string => `enamel:${type.replaceAll(".", ":")}`

/** The rule an endpoint names (an annotation of the endpoint, read by the API's policy enforcement). */
export class PolicyRule extends Context.Tag("@enamel/domain/PolicyRule")<PolicyRule, string>() {}

/** A rule of the table, checked by the compiler: `.annotate(PolicyRule, rule("enamel:task:list"))`. */
export const rule = (name: RuleName): string => name
