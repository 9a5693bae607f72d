/**
 * `/openapi.json` as the API answers, not as the platform assumes: every error is OpenStack's error
 * document (`answers.ts`), listed per operation and status with its codes.
 */
import { Predicate } from "effect"
import { ErrorCode, meanings } from "../ErrorCatalogue.js"

export const description =
  "Porcelain API for OpenStack: one call, one durable task. Every error answer is OpenStack's error " +
  'document, `{"errors": [{"status", "code", "title", "detail", "request_id"}]}` (`ErrorDocument`), with ' +
  "one error; each operation lists, for each status, the codes it can answer with, and each code's schema " +
  "says what it means. A path or a method the API does not have answers 404 " +
  `\`${ErrorCode.resourceNotFound}\`.`

const schemasPrefix = "#/components/schemas/"

/**
 * The platform declares its own decode error (`_tag`, `issues`, `message`) on every endpoint; the API
 * never sends it: a request that does not decode is answered with OpenStack's document (`request.invalid`).
 */
const platformDecodeError = `${schemasPrefix}HttpApiDecodeError`

type Json = { readonly [key: string]: unknown }
const isJson = (u: unknown): u is Json => Predicate.isRecord(u)

const refsIn = (u: unknown): ReadonlyArray<string> =>
  Array.isArray(u)
    ? u.flatMap(refsIn)
    : isJson(u)
      ? Object.entries(u).flatMap(([key, value]) =>
          key === "$ref" && typeof value === "string" ? [value] : refsIn(value)
        )
      : []

const isCode = (name: string): name is ErrorCode => Object.hasOwn(meanings, name)

/** The schema of an error answer without the platform's decode error; undefined when nothing is left. */
const withoutDecodeError = (schema: unknown): unknown => {
  if (!isJson(schema)) return schema
  if (schema.$ref === platformDecodeError) return undefined
  if (!Array.isArray(schema.anyOf)) return schema
  const rest = schema.anyOf.filter((member) => !(isJson(member) && member.$ref === platformDecodeError))
  if (rest.length === 0) return undefined
  return rest.length === 1 ? rest[0] : { ...schema, anyOf: rest }
}

/** An error response: its schema without the decode error, described by the codes it lists. */
const errorResponse = (response: unknown): Json | undefined => {
  if (!isJson(response) || !isJson(response.content)) return isJson(response) ? response : undefined
  const json = response.content["application/json"]
  const schema = withoutDecodeError(isJson(json) ? json.schema : undefined)
  if (schema === undefined) return undefined
  const codes = refsIn(schema)
    .map((ref) => ref.slice(schemasPrefix.length))
    .filter(isCode)
  return {
    ...response,
    description: codes.map((code) => `\`${code}\`: ${meanings[code].meaning}`).join("\n\n"),
    content: { ...response.content, "application/json": { ...(isJson(json) ? json : {}), schema } }
  }
}

const mapEntries = (json: Json, f: (key: string, value: unknown) => unknown): Json =>
  Object.fromEntries(
    Object.entries(json).flatMap(([key, value]) => {
      const mapped = f(key, value)
      return mapped === undefined ? [] : [[key, mapped]]
    })
  )

const operation = (op: unknown): unknown =>
  isJson(op) && isJson(op.responses)
    ? {
        ...op,
        responses: mapEntries(op.responses, (status, response) =>
          Number(status) >= 400 ? errorResponse(response) : response
        )
      }
    : op

/** Only the component schemas something refers to (the decode error's own went with it). */
const reachable = (paths: unknown, schemas: Json, roots: ReadonlyArray<string>): Json => {
  const seen = new Set<string>()
  const pending = [...roots, ...refsIn(paths).map((ref) => ref.slice(schemasPrefix.length))]
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue
    seen.add(name)
    pending.push(...refsIn(schemas[name]).map((ref) => ref.slice(schemasPrefix.length)))
  }
  return mapEntries(schemas, (name, schema) => (seen.has(name) ? schema : undefined))
}

/** The `OpenApi.Transform` of the contract; `keep` names component schemas kept though unreferenced. */
export const truthful =
  (keep: ReadonlyArray<string>) =>
  (spec: Record<string, unknown>): Record<string, unknown> => {
    const paths = isJson(spec.paths)
      ? mapEntries(spec.paths, (_, item) =>
          isJson(item) ? mapEntries(item, (_, op) => operation(op)) : item
        )
      : spec.paths
    const components = isJson(spec.components) ? spec.components : {}
    const schemas = isJson(components.schemas) ? components.schemas : {}
    return { ...spec, paths, components: { ...components, schemas: reachable(paths, schemas, keep) } }
  }
