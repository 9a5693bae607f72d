/**
 * Policy expressions, as oslo.policy writes them: `role:NAME`, `rule:NAME`, `@` (anyone), `!` (no one),
 * and `not`, `and`, `or` (binding in that order) with parentheses; an empty expression is `@`. Parsed
 * once when the policy is loaded; a check is then a walk of the tree over the caller's roles.
 */
import { Either } from "effect"

export type Expression =
  | { readonly _tag: "Always" }
  | { readonly _tag: "Never" }
  | { readonly _tag: "Role"; readonly role: string }
  | { readonly _tag: "Rule"; readonly rule: string }
  | { readonly _tag: "Not"; readonly operand: Expression }
  | { readonly _tag: "And"; readonly operands: ReadonlyArray<Expression> }
  | { readonly _tag: "Or"; readonly operands: ReadonlyArray<Expression> }

const always: Expression = { _tag: "Always" }
const never: Expression = { _tag: "Never" }

/** Words, `(` and `)`: a parenthesis need not be spaced from what it encloses. */
const tokenize = (text: string): ReadonlyArray<string> =>
  text
    .replaceAll("(", " ( ")
    .replaceAll(")", " ) ")
    .split(/\s+/)
    .filter((token) => token.length > 0)

/** A name after `role:` or `rule:`: letters, digits and `_ - . :`. */
const namePattern = /^[A-Za-z0-9_.:-]+$/

/** Parses an expression; the error says what is wrong and where (the token's position, from 1). */
export const parse = (text: string): Either.Either<Expression, string> => {
  const tokens = tokenize(text)
  if (tokens.length === 0) return Either.right(always)
  let at = 0
  const fail = (what: string): never => {
    throw new ParseFailure(
      at < tokens.length ? `${what} at token ${at + 1} (${JSON.stringify(tokens[at])})` : `${what} at the end`
    )
  }
  const peek = () => tokens[at]?.toLowerCase()

  const orExpression = (): Expression => {
    const operands = [andExpression()]
    while (peek() === "or") {
      at++
      operands.push(andExpression())
    }
    return operands.length === 1 && operands[0] !== undefined ? operands[0] : { _tag: "Or", operands }
  }
  const andExpression = (): Expression => {
    const operands = [notExpression()]
    while (peek() === "and") {
      at++
      operands.push(notExpression())
    }
    return operands.length === 1 && operands[0] !== undefined ? operands[0] : { _tag: "And", operands }
  }
  const notExpression = (): Expression => {
    if (peek() === "not") {
      at++
      return { _tag: "Not", operand: notExpression() }
    }
    return atom()
  }
  const atom = (): Expression => {
    const token = tokens[at]
    if (token === undefined) return fail("an expression is missing")
    if (token === "(") {
      at++
      const inner = orExpression()
      if (tokens[at] !== ")") return fail("a `)` is missing")
      at++
      return inner
    }
    if (token === "@") {
      at++
      return always
    }
    if (token === "!") {
      at++
      return never
    }
    const colon = token.indexOf(":")
    const kind = token.slice(0, colon).toLowerCase()
    const name = token.slice(colon + 1)
    if (colon > 0 && (kind === "role" || kind === "rule") && namePattern.test(name)) {
      at++
      return kind === "role" ? { _tag: "Role", role: name.toLowerCase() } : { _tag: "Rule", rule: name }
    }
    return fail("expected role:NAME, rule:NAME, @, !, not or (")
  }

  try {
    const expression = orExpression()
    if (at < tokens.length) fail("expected `and`, `or` or the end")
    return Either.right(expression)
  } catch (e) {
    if (e instanceof ParseFailure) return Either.left(e.message)
    throw e
  }
}

class ParseFailure extends Error {}

/** The rules an expression refers to (`rule:NAME`). */
export const references = (expression: Expression): ReadonlyArray<string> => {
  switch (expression._tag) {
    case "Rule":
      return [expression.rule]
    case "Not":
      return references(expression.operand)
    case "And":
    case "Or":
      return expression.operands.flatMap(references)
    default:
      return []
  }
}

/**
 * Whether the roles satisfy the expression; `rule:NAME` is looked up in `rules` (checked to exist and
 * not to loop when the policy was loaded; a missing one here holds for no one).
 */
export const holds = (
  expression: Expression,
  roles: ReadonlySet<string>,
  rules: ReadonlyMap<string, Expression>
): boolean => {
  switch (expression._tag) {
    case "Always":
      return true
    case "Never":
      return false
    case "Role":
      return roles.has(expression.role)
    case "Rule": {
      const referred = rules.get(expression.rule)
      return referred !== undefined && holds(referred, roles, rules)
    }
    case "Not":
      return !holds(expression.operand, roles, rules)
    case "And":
      return expression.operands.every((operand) => holds(operand, roles, rules))
    case "Or":
      return expression.operands.some((operand) => holds(operand, roles, rules))
  }
}
