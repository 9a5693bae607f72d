/**
 * Decode problems in words a person would write: for each one, what is wrong and what is allowed, once
 * (`count: must be an integer from 1 to 20, not 0`). Read from the schema the input was decoded with
 * (ranges, lengths, literals, the `title` of a format such as an IP address, a filter's own message), never
 * from a field's description, and never a dump of the schema. Values are quoted, clipped.
 */
import { type Array as Arr, SchemaAST as AST, Option, type ParseResult, Predicate, Schema } from "effect"

export interface Problem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/** Where an input comes from; a query parameter given twice arrives as an array. */
export type Source = "body" | "query" | "headers" | "path"

/** How much of a value a detail quotes. */
const quoteLength = 40

/** A value as a detail quotes it: strings in JSON quotes and clipped; arrays and objects by their kind. */
const shown = (u: unknown): string => {
  if (typeof u === "string") {
    return u.length > quoteLength ? `${JSON.stringify(u.slice(0, quoteLength))}…` : JSON.stringify(u)
  }
  if (typeof u === "number" || typeof u === "boolean" || u === null) return String(u)
  return kindOf(u)
}

/** The JSON type of a value, with its article. */
const kindOf = (u: unknown): string => {
  if (u === null) return "null"
  if (Array.isArray(u)) return "an array"
  switch (typeof u) {
    case "string":
      return "a string"
    case "number":
      return "a number"
    case "boolean":
      return "a boolean"
    case "object":
      return "an object"
    default:
      return "nothing"
  }
}

const isPrimitive = (u: unknown) => typeof u === "string" || typeof u === "number" || typeof u === "boolean"

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`

/** The numbers and flags a refinement declares (Effect puts them in its JSON Schema annotation). */
interface Facts {
  readonly integer?: boolean
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: number
  readonly exclusiveMaximum?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly minItems?: number
  readonly maxItems?: number
  readonly pattern?: string
  readonly uuid?: boolean
  readonly trimmed?: boolean
}

const numberIn = (json: object, key: string): number | undefined =>
  Predicate.hasProperty(json, key) && typeof json[key] === "number" ? json[key] : undefined

const factsOf = (ast: AST.Refinement): Facts => {
  const json = Option.getOrElse(AST.getJSONSchemaAnnotation(ast), () => ({}))
  const id = Option.getOrUndefined(AST.getSchemaIdAnnotation(ast))
  const facts: { -readonly [K in keyof Facts]: Facts[K] } = {}
  for (const key of [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems"
  ] as const) {
    const n = numberIn(json, key)
    if (n !== undefined) facts[key] = n
  }
  if (Predicate.hasProperty(json, "type") && json.type === "integer") facts.integer = true
  if (id === Schema.UUIDSchemaId) facts.uuid = true
  else if (id === Schema.TrimmedSchemaId) facts.trimmed = true
  else if (Predicate.hasProperty(json, "pattern") && typeof json.pattern === "string")
    facts.pattern = json.pattern
  return facts
}

/** A title a schema's author gave (Effect's own refinements title themselves `int`, `maxLength(255)`, …). */
const authorTitle = (ast: AST.Refinement): string | undefined => {
  const id = Option.getOrUndefined(AST.getSchemaIdAnnotation(ast))
  return id === undefined || id === Schema.PatternSchemaId
    ? Option.getOrUndefined(AST.getTitleAnnotation(ast))
    : undefined
}

/** The refinements of a value's schema, outermost first, and the type under them. */
const layers = (
  ast: AST.AST
): { readonly refinements: ReadonlyArray<AST.Refinement>; readonly base: AST.AST } => {
  const refinements: Array<AST.Refinement> = []
  let current = ast
  for (;;) {
    if (AST.isRefinement(current)) {
      refinements.push(current)
      current = current.from
    } else if (AST.isTransformation(current)) {
      // What the value must denote (a number for NumberFromString, the struct under its defaults).
      current = current.to
    } else if (AST.isSuspend(current)) current = current.f()
    else return { refinements, base: current }
  }
}

/** "an integer from 1 to 20", from every numeric refinement of the value's schema. */
const numberPhrase = (refinements: ReadonlyArray<AST.Refinement>): string => {
  const all = refinements.map(factsOf)
  const pick = (key: "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum") =>
    all.map((f) => f[key]).find((n) => n !== undefined)
  const noun = all.some((f) => f.integer === true) ? "an integer" : "a number"
  const [min, max, above, below] = [
    pick("minimum"),
    pick("maximum"),
    pick("exclusiveMinimum"),
    pick("exclusiveMaximum")
  ]
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`
  const bounds = [
    min === undefined ? undefined : `at least ${min}`,
    above === undefined ? undefined : `greater than ${above}`,
    max === undefined ? undefined : `at most ${max}`,
    below === undefined ? undefined : `less than ${below}`
  ].filter((b) => b !== undefined)
  return bounds.length === 0 ? noun : `${noun} ${bounds.join(" and ")}`
}

/** The members of a union, nested unions flattened, without the `undefined` of an optional field. */
const membersOf = (ast: AST.Union): ReadonlyArray<AST.AST> =>
  ast.types.flatMap((t) => (AST.isUnion(t) ? membersOf(t) : AST.isUndefinedKeyword(t) ? [] : [t]))

const literalText = (literal: AST.LiteralValue) =>
  typeof literal === "string" ? literal : literal === null ? "null" : String(literal)

/** What a schema allows, as a noun phrase: "an array", "one of user, project", "a UUID", … */
const allowed = (ast: AST.AST): string => {
  const { refinements, base } = layers(ast)
  const titled = refinements.map(authorTitle).find((t) => t !== undefined)
  if (titled !== undefined) return titled
  const facts = refinements.map(factsOf)
  switch (base._tag) {
    case "NumberKeyword":
      return numberPhrase(refinements)
    case "StringKeyword":
      return facts.some((f) => f.uuid === true) ? "a UUID" : "a string"
    case "BooleanKeyword":
      return "true or false"
    case "Literal":
      return literalText(base.literal)
    case "Enums":
      return oneOf(base.enums.map(([, value]) => String(value)))
    case "TupleType":
      return "an array"
    case "TypeLiteral":
      return "an object"
    case "Union": {
      const members = membersOf(base)
      if (members.every(AST.isLiteral)) return oneOf(members.map((m) => literalText(m.literal)))
      return members.map(allowed).join(" or ")
    }
    default:
      return "a valid value"
  }
}

const oneOf = (choices: ReadonlyArray<string>) =>
  choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(", ")}`

const structural = (ast: AST.AST) => {
  const { base } = layers(ast)
  return AST.isTupleType(base) || AST.isTypeLiteral(base)
}

/** "must be <allowed>, not <what was given>": the kind for arrays and objects, else the value. */
const mustBe = (ast: AST.AST, actual: unknown) =>
  `must be ${allowed(ast)}, not ${structural(ast) ? kindOf(actual) : shown(actual)}`

/** A message annotation's text, when it is plain text. */
const annotatedMessage = (ast: AST.AST, issue: ParseResult.ParseIssue): string | undefined => {
  const annotation = Option.getOrUndefined(AST.getMessageAnnotation(ast))
  if (annotation === undefined) return undefined
  const message = annotation(issue)
  if (typeof message === "string") return message
  return Predicate.hasProperty(message, "message") && typeof message.message === "string"
    ? message.message
    : undefined
}

/** Why a refinement refused a value; `field` is the value's whole schema (for ranges). */
const refused = (issue: ParseResult.Refinement, field: AST.AST): string => {
  const ast = issue.ast
  const actual = issue.actual
  const annotated = annotatedMessage(ast, issue)
  if (annotated !== undefined) return annotated
  // A filter that returned its own words (`Schema.filter(p => … || "give exactly one of …")`).
  if (issue.issue._tag === "Type" && issue.issue.message !== undefined) return issue.issue.message
  const facts = factsOf(ast)
  const length = typeof actual === "string" || Array.isArray(actual) ? actual.length : 0
  if (facts.maxLength !== undefined) {
    return `must be at most ${plural(facts.maxLength, "character")} long, not ${length}`
  }
  if (facts.minLength !== undefined) {
    return facts.minLength === 1
      ? "must not be empty"
      : `must be at least ${plural(facts.minLength, "character")} long, not ${length}`
  }
  if (facts.maxItems !== undefined)
    return `must have at most ${plural(facts.maxItems, "item")}, not ${length}`
  if (facts.minItems !== undefined) {
    return facts.minItems === 1
      ? "must not be empty"
      : `must have at least ${plural(facts.minItems, "item")}, not ${length}`
  }
  if (
    facts.integer === true ||
    [facts.minimum, facts.maximum, facts.exclusiveMinimum, facts.exclusiveMaximum].some(
      (n) => n !== undefined
    )
  ) {
    return `must be ${numberPhrase(layers(field).refinements)}, not ${shown(actual)}`
  }
  if (facts.trimmed === true) return `must not start or end with a blank, not ${shown(actual)}`
  if (facts.uuid === true) return `must be a UUID, not ${shown(actual)}`
  // A format's title names it better than its pattern does (`an IPv4 or IPv6 address`).
  const title =
    authorTitle(ast) ??
    layers(field)
      .refinements.map(authorTitle)
      .find((t) => t !== undefined)
  if (title !== undefined)
    return isPrimitive(actual) ? `must be ${title}, not ${shown(actual)}` : `must be ${title}`
  if (facts.pattern !== undefined) return `must match /${facts.pattern}/, not ${shown(actual)}`
  return `is not valid: ${shown(actual)}`
}

/** Edit distance, for suggesting the field a misspelt one meant. */
const distance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    row = next
  }
  return row[b.length] ?? 0
}

const normalised = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "")

/**
 * The field an unknown one most likely meant: a near spelling (`flavour`, `security_group`), or one that
 * begins with its first word (`key_name` → `keypair`, `image_ref` → `image`, as Nova calls them).
 */
const suggestion = (unknown: string, fields: ReadonlyArray<string>): string | undefined => {
  const typed = normalised(unknown)
  const close = fields
    .map((field) => ({ field, d: distance(typed, normalised(field)) }))
    .filter(({ d, field }) => d <= Math.max(1, Math.floor(Math.min(typed.length, field.length) / 4)))
    .sort((a, b) => a.d - b.d)[0]
  if (close !== undefined) return close.field
  const word = unknown.toLowerCase().split(/[^a-z0-9]+/)[0] ?? ""
  const starting = word.length >= 3 ? fields.filter((f) => normalised(f).startsWith(word)) : []
  return starting.length === 1 ? starting[0] : undefined
}

const unknownField = (key: PropertyKey, fields: ReadonlyArray<string>, source: Source): string => {
  const meant = typeof key === "string" ? suggestion(key, fields) : undefined
  const [what, these] = source === "query" ? ["a query parameter", "parameters"] : ["a field", "fields"]
  return meant !== undefined
    ? `is not ${what} of this request; did you mean ${meant}?`
    : `is not ${what} of this request (the ${these} here: ${fields.join(", ")})`
}

/** Whether a one-or-more value is the several (an issue or a key is never an array itself). */
const isSeveral = <A>(one: A | Arr.NonEmptyReadonlyArray<A>): one is Arr.NonEmptyReadonlyArray<A> =>
  Array.isArray(one)

const issuesOf = (issue: ParseResult.Composite): ReadonlyArray<ParseResult.ParseIssue> =>
  isSeveral(issue.issues) ? issue.issues : [issue.issues]

const keysOf = (issue: ParseResult.Pointer): ReadonlyArray<PropertyKey> =>
  isSeveral(issue.path) ? issue.path : [issue.path]

/** What an alternative of a union was refused as `undefined` for (an optional field's other half). */
const isUndefinedAlternative = (issue: ParseResult.ParseIssue) =>
  issue._tag === "Type" && AST.isUndefinedKeyword(issue.ast)

interface Context {
  readonly source: Source
  /** The whole schema of the value at this path, once seen. */
  readonly field?: AST.AST
  /** The fields of the object this path is in, for unknown ones. */
  readonly fields?: ReadonlyArray<string>
}

const within = (context: Context, ast: AST.AST): Context =>
  context.field === undefined ? { ...context, field: ast } : context

const propertyNames = (ast: AST.AST): ReadonlyArray<string> | undefined => {
  const { base } = layers(ast)
  return AST.isTypeLiteral(base)
    ? base.propertySignatures.flatMap((p) => (typeof p.name === "string" ? [p.name] : []))
    : undefined
}

const walk = (
  issue: ParseResult.ParseIssue,
  path: ReadonlyArray<PropertyKey>,
  context: Context
): ReadonlyArray<Problem> => {
  const at = (message: string): ReadonlyArray<Problem> => [{ path, message }]
  switch (issue._tag) {
    case "Pointer": {
      const fields = context.fields
      return walk(issue.issue, [...path, ...keysOf(issue)], {
        source: context.source,
        ...(fields === undefined ? {} : { fields })
      })
    }
    case "Unexpected":
      return at(unknownField(path[path.length - 1] ?? "", context.fields ?? [], context.source))
    case "Missing":
      return at("is required")
    case "Forbidden":
      return at("cannot be checked now")
    case "Refinement": {
      const inner = within(context, issue.ast)
      const named = issue.issue
      // A filter that named the field at fault (`Schema.filter(p => … || { path: ["image"], message })`).
      if (named._tag === "Pointer" && named.issue._tag === "Type" && named.issue.message !== undefined) {
        return [{ path: [...path, ...keysOf(named)], message: named.issue.message }]
      }
      return issue.kind === "From"
        ? walk(issue.issue, path, inner)
        : at(refused(issue, inner.field ?? issue.ast))
    }
    case "Transformation": {
      const inner = within(context, issue.ast)
      if (issue.kind === "Transformation") return at(mustBe(inner.field ?? issue.ast, issue.actual))
      return walk(issue.issue, path, inner)
    }
    case "Type": {
      if (context.source === "query" && Array.isArray(issue.actual)) return at("must be given once")
      const annotated = annotatedMessage(issue.ast, issue)
      if (annotated !== undefined) return at(annotated)
      return at(mustBe(AST.isUnion(issue.ast) ? issue.ast : (context.field ?? issue.ast), issue.actual))
    }
    case "Composite": {
      const ast = issue.ast
      if (AST.isUnion(ast)) {
        if (context.source === "query" && Array.isArray(issue.actual)) return at("must be given once")
        const members = membersOf(ast)
        const tried = issuesOf(issue).filter((i) => !isUndefinedAlternative(i))
        const [only] = tried
        // One real alternative (an optional field): its own problem, not a list of alternatives.
        if (members.length === 1 && only !== undefined && tried.length === 1) {
          return walk(only, path, { source: context.source, field: members[0] ?? ast })
        }
        return at(mustBe(ast, issue.actual))
      }
      const names = propertyNames(ast)
      const inner: Context = { ...within(context, ast), ...(names === undefined ? {} : { fields: names }) }
      return issuesOf(issue).flatMap((i) => walk(i, path, inner))
    }
  }
}

/** Every problem of a decode failure, each at its path (`[]` is the whole input). */
export const problems = (issue: ParseResult.ParseIssue, source: Source): ReadonlyArray<Problem> =>
  walk(issue, [], { source })
