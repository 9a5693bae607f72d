/**
 * The policy in force: the contract's rules with their defaults (`@enamel/domain/contract`'s
 * `Policy.rules`), one rule per porcelain command of the registry, and what the operator's policy file
 * overrides. Compiled once; every mistake of the file is found here, so a process with a bad file
 * refuses to start instead of refusing (or allowing) requests later.
 */
import { Policy } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { Either, Predicate } from "effect"
import { parse as parseYaml } from "yaml"
import { type Expression, holds, parse, references } from "./expression.js"

export interface CompiledPolicy {
  /** Every rule, by name, parsed. */
  readonly rules: ReadonlyMap<string, Expression>
  /** Every rule's expression as written (the default, or the file's). */
  readonly written: ReadonlyMap<string, string>
}

/** Every rule with its default: the contract's table and one per command of the registry. */
export const defaults = (): ReadonlyMap<string, string> =>
  new Map<string, string>([
    ...Object.entries(Policy.rules).map(([name, rule]): [string, string] => [name, rule.check]),
    ...registry.commands.map((command): [string, string] => [command.rule, Policy.commandDefault.check])
  ])

/**
 * The defaults with the overrides applied. An override of a rule Enamel does not have is refused when
 * its name starts with `enamel:` (a misspelt rule would silently leave the default in force); other
 * names are the operator's own rules, for `rule:NAME` references. Every expression must parse, every
 * `rule:` must name a rule, and no rule may refer to itself through others.
 */
export const compile = (
  overrides: ReadonlyMap<string, string>
): Either.Either<CompiledPolicy, ReadonlyArray<string>> => {
  const known = defaults()
  const problems: Array<string> = []
  for (const name of overrides.keys()) {
    if (name.startsWith("enamel:") && !known.has(name)) {
      problems.push(`${name}: no such rule (the rules: ${[...known.keys()].join(", ")})`)
    }
  }
  const written = new Map([...known, ...overrides])
  const rules = new Map<string, Expression>()
  for (const [name, text] of written) {
    Either.match(parse(text), {
      onLeft: (why) => problems.push(`${name}: ${JSON.stringify(text)}: ${why}`),
      onRight: (expression) => {
        rules.set(name, expression)
        for (const referred of references(expression)) {
          if (!written.has(referred)) problems.push(`${name}: rule:${referred} names no rule`)
        }
      }
    })
  }
  // A loop (`a: rule:b`, `b: rule:a`) would never decide: refuse it.
  const visiting = new Set<string>()
  const done = new Set<string>()
  const visit = (name: string, path: ReadonlyArray<string>): void => {
    if (done.has(name)) return
    if (visiting.has(name)) {
      problems.push(`${name}: refers to itself (${[...path, name].join(" → ")})`)
      return
    }
    visiting.add(name)
    const expression = rules.get(name)
    for (const referred of expression === undefined ? [] : references(expression)) {
      if (rules.has(referred)) visit(referred, [...path, name])
    }
    visiting.delete(name)
    done.add(name)
  }
  for (const name of rules.keys()) visit(name, [])
  return problems.length > 0 ? Either.left(problems) : Either.right({ rules, written })
}

/** A policy file's text: a YAML mapping of rule names to expressions (strings). */
export const readFile = (text: string): Either.Either<ReadonlyMap<string, string>, ReadonlyArray<string>> => {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (e) {
    return Either.left([`not YAML: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`])
  }
  // An empty file overrides nothing.
  if (document === null || document === undefined) return Either.right(new Map())
  if (!Predicate.isRecord(document) || Array.isArray(document)) {
    return Either.left(['must be a mapping of rule names to expressions (rule: "role:member")'])
  }
  const overrides = new Map<string, string>()
  const problems: Array<string> = []
  for (const [name, value] of Object.entries(document)) {
    if (typeof value === "string") overrides.set(name, value)
    else problems.push(`${name}: the expression must be a string, not ${JSON.stringify(value)}`)
  }
  return problems.length > 0 ? Either.left(problems) : Either.right(overrides)
}

/** Whether a caller with these roles passes the rule (an unknown rule passes no one). */
export const allows = (policy: CompiledPolicy, rule: string, roles: ReadonlyArray<string>): boolean => {
  const expression = policy.rules.get(rule)
  return (
    expression !== undefined &&
    holds(expression, new Set(roles.map((role) => role.toLowerCase())), policy.rules)
  )
}
