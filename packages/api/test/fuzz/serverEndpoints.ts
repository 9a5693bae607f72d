/**
 * One arbitrary per endpoint of the contract: body, headers, path and query, right or wrong, each case
 * with the faults a correct server must find (see cases.ts).
 */
import fc from "fast-check"
import {
  type Fault,
  fault,
  headerText,
  idempotencyKey,
  nastyString,
  notUuid,
  other,
  percentEncode,
  received,
  user,
  withHeaders
} from "./cases.js"
import { brokenServerRequest, topLevelFields, validServerRequest } from "./serverBodies.js"

/** GET / and GET /openapi.json, with any query string: 200 unless the microversion is not served. */
export const versions = fc
  .tuple(user, fc.constantFrom("/", "/openapi.json"), fc.option(nastyString, { nil: undefined }))
  .chain(([u, path, query]) =>
    withHeaders(u, {
      method: "GET",
      path: query === undefined ? path : `${path}?${percentEncode(query)}=${percentEncode(query)}`,
      authenticated: false,
      ok: 200,
      faults: []
    })
  )

const anyFields = [...topLevelFields, "body"]

/** A number written as JSON text, and whether the API must take it as an integer in [min, max]. */
const numberText = fc.constantFrom(
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "1.0000000000000000000001",
  "0.1e1",
  "-0",
  "5",
  "5.5",
  "1E1"
)
const inRange = (text: string, min: number, max: number) => {
  const n: unknown = JSON.parse(text)
  return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max
}

/** The body of `POST /servers` and what a server must make of it. */
const serverBody: fc.Arbitrary<{
  readonly body: string | Uint8Array
  readonly faults: ReadonlyArray<Fault>
}> = fc.oneof(
  { weight: 3, arbitrary: validServerRequest.map((v) => ({ body: JSON.stringify(v), faults: [] })) },
  {
    weight: 4,
    arbitrary: brokenServerRequest.map(({ body, names }) => ({
      body: JSON.stringify(body),
      faults: [fault("input", 400, ...names)]
    }))
  },
  // Any JSON: the detail names a field of the request, or one of the object's own (unknown) fields.
  fc.jsonValue().map((v) => ({
    body: JSON.stringify(v) ?? "null",
    faults: [
      fault(
        "input",
        400,
        ...anyFields,
        ...(v !== null && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [])
      )
    ]
  })),
  fc
    .uint8Array({ maxLength: 512 })
    .map((bytes) => ({ body: bytes, faults: [fault("input", 400, ...anyFields)] })),
  fc.string({ maxLength: 64 }).map((s) => ({ body: s, faults: [fault("input", 400, ...anyFields)] })),
  // Deep nesting: refused past 32 levels (naming the body); within them, as an unknown field (naming it).
  fc
    .tuple(
      validServerRequest,
      fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20_000 })),
      fc.boolean()
    )
    .map(([valid, depth, whole]) => {
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`
      const nesting = whole ? depth : depth + 1
      const tooDeep = nesting > 32 ? [fault("depth", 400, "body")] : []
      return whole
        ? { body: deep, faults: [...tooDeep, fault("input", 400, ...anyFields)] }
        : {
            body: `${JSON.stringify(valid).slice(0, -1)},"x_deep":${deep}}`,
            faults: [...tooDeep, fault("input", 400, "x_deep")]
          }
    }),
  // Huge, tiny and odd numbers written as JSON text.
  fc
    .tuple(
      validServerRequest,
      fc.constantFrom(["count", 1, 20] as const, ["priority", 0, 9] as const),
      numberText
    )
    .map(([valid, [field, min, max], text]) => ({
      body: JSON.stringify({ ...valid, [field]: "__N__" }).replace('"__N__"', text),
      faults: inRange(text, min, max) ? [] : [fault("input", 400, field)]
    }))
)

const jsonTypes = fc.constantFrom("application/json", "application/json; charset=utf-8", "Application/JSON")
const otherTypes = fc.oneof(
  fc.constantFrom(
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/jsonx",
    "multipart/form-data"
  ),
  headerText(60)
)

/** A body's Content-Type: JSON (any spelling) or not (415, naming the header, when given or with a body). */
export const contentType = (body: string | Uint8Array) =>
  fc.oneof({ weight: 6, arbitrary: jsonTypes }, otherTypes, fc.constant(undefined)).map((type) => {
    const length = typeof body === "string" ? new TextEncoder().encode(body).length : body.length
    // fetch declares a string body without a type as text/plain.
    const sent = type ?? (typeof body === "string" ? "text/plain;charset=UTF-8" : undefined)
    const json = sent?.split(";")[0]?.trim().toLowerCase() === "application/json"
    return {
      headers: type === undefined ? {} : { "content-type": type },
      faults: (length > 0 || sent !== undefined) && !json ? [fault("media", 415, "Content-Type")] : []
    }
  })

/** POST /servers. */
export const createServers = fc.tuple(user, serverBody, idempotencyKey).chain(([u, { body, faults }, key]) =>
  contentType(body).chain((type) =>
    withHeaders(u, {
      method: "POST",
      path: "/servers",
      body,
      authenticated: true,
      ok: 202,
      headers: { ...type.headers, ...(key.value === undefined ? {} : { "idempotency-key": key.value }) },
      faults: [...faults, ...type.faults, ...key.faults]
    })
  )
)

/** Servers made in the cloud double before fuzzing: one of alice's and one of bob's. */
export interface KnownServers {
  readonly alice: string
  readonly bob: string
}

interface Query {
  readonly query: string
  readonly faults: ReadonlyArray<Fault>
}

/**
 * DELETE's query: none, `delete_backups=true|false` (the known servers have no backups: both 202), any
 * other value or the parameter twice (400 naming it), or a parameter it does not have (400 naming that:
 * a command refuses what it does not know, so a misspelt flag is never ignored).
 */
const deleteQuery: fc.Arbitrary<Query> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Query>({ query: "", faults: [] }) },
  fc.constantFrom("true", "false").map((v): Query => ({ query: `?delete_backups=${v}`, faults: [] })),
  nastyString
    .filter((v) => !["true", "false"].includes(received(v)))
    .map(
      (v): Query => ({
        query: `?delete_backups=${percentEncode(v)}`,
        faults: [fault("input", 400, "delete_backups")]
      })
    ),
  fc.constant<Query>({
    query: "?delete_backups=true&delete_backups=false",
    faults: [fault("input", 400, "delete_backups")]
  }),
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z_]{0,15}$/), fc.constantFrom("true", "1", ""))
    .filter(([name]) => name !== "delete_backups")
    .map(([name, v]): Query => ({ query: `?${name}=${v}`, faults: [fault("input", 400, name)] }))
)

/**
 * DELETE /servers/{id}: the caller's own server is accepted (202: a task, which no worker runs here);
 * another project's, or a UUID no server has, is a 404 naming the server (Nova asked with the caller's
 * token); anything but a UUID is a 400 naming the id; and `deleteQuery`'s parameters.
 */
export const deleteServer = (known: KnownServers) =>
  user.chain((u) =>
    fc
      .tuple(
        fc.oneof(
          { weight: 2, arbitrary: fc.constant({ id: known[u], faults: [] as ReadonlyArray<Fault> }) },
          fc
            .oneof(fc.constant(known[other(u)]), fc.uuid())
            .map((id) => ({ id, faults: [fault("semantic", 404, "server")] })),
          notUuid.map((id) => ({ id, faults: [fault("input", 400, "id")] }))
        ),
        idempotencyKey,
        deleteQuery
      )
      .chain(([{ id, faults }, key, query]) =>
        withHeaders(u, {
          method: "DELETE",
          path: `/servers/${percentEncode(id)}${query.query}`,
          authenticated: true,
          ok: 202,
          headers: key.value === undefined ? {} : { "idempotency-key": key.value },
          faults: [...faults, ...key.faults, ...query.faults]
        })
      )
  )

/** Methods the contract does not have, on paths it has: 404, naming the method. */
export const otherMethods = fc
  .tuple(
    user,
    fc.constantFrom("PUT", "PATCH", "OPTIONS"),
    fc.constantFrom("/", "/openapi.json", "/servers", "/tasks", "/tasks/0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11")
  )
  .chain(([u, method, path]) =>
    withHeaders(u, { method, path, authenticated: false, ok: 404, faults: [fault("route", 404, method)] })
  )
