/**
 * Arbitraries for the admin endpoints (`/admin/topics`, `/admin/drain`): as the admin, or as a member
 * (403 naming the policy rule `enamel:admin:…`, as soon as the token is validated: before the input); a topic of the registry or any
 * other text (404, naming the topic); a change right, wrong in a field (400, naming it) or not JSON.
 */
import fc from "fast-check"
import { type Fault, fault, nastyString, percentEncode, received, withHeaders } from "./cases.js"

const topics = ["server.create", "server.delete"]

/** Who calls: the admin, or a member, whom the policy refuses before the request's input is read. */
const caller = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ user: "admin" as const, faults: [] as ReadonlyArray<Fault> }) },
  fc
    .constantFrom("alice" as const, "bob" as const)
    .map((user) => ({ user, faults: [fault("auth", 403, "enamel:admin:")] }))
)

/** A path's topic: one of the registry's, or other text (404 for the admin, naming it as a topic). */
const topic = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...topics).map((name) => ({ name, faults: [] as ReadonlyArray<Fault> }))
  },
  nastyString
    .filter((s) => !["", ".", ".."].includes(s) && !topics.includes(received(s)))
    .map((name) => ({ name, faults: [fault("semantic", 404, "topic")] }))
)

interface Body {
  readonly body: string
  readonly type: string
  readonly faults: ReadonlyArray<Fault>
}

const json = (value: unknown, ...faults: ReadonlyArray<Fault>): Body => ({
  body: JSON.stringify(value),
  type: "application/json",
  faults
})

/** `{concurrency?, paused?}`, each field right, wrong or absent, sometimes with a field it does not have. */
const change = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof(
          {
            weight: 2,
            arbitrary: fc.constant<{ value?: unknown; faults: ReadonlyArray<Fault> }>({ faults: [] })
          },
          fc.integer({ min: 1, max: 10_000 }).map((value) => ({ value, faults: [] })),
          fc
            .oneof(
              fc.constantFrom(0, -1, 10_001, 1.5, "3", null, true, [2], Number.MAX_SAFE_INTEGER),
              fc.integer({ min: 10_001 })
            )
            .map((value) => ({ value, faults: [fault("input", 400, "concurrency")] }))
        ),
        fc.oneof(
          {
            weight: 2,
            arbitrary: fc.constant<{ value?: unknown; faults: ReadonlyArray<Fault> }>({ faults: [] })
          },
          fc.boolean().map((value) => ({ value, faults: [] })),
          fc
            .constantFrom("yes", "true", 1, 0, null, {})
            .map((value) => ({ value, faults: [fault("input", 400, "paused")] }))
        ),
        fc.option(
          fc.constantFrom("concurency", "pause", "topic", "Concurrency", "desired").map((name) => ({
            name,
            faults: [fault("input", 400, name)]
          })),
          { nil: undefined, freq: 4 }
        )
      )
      .map(([concurrency, paused, stray]) =>
        json(
          {
            ...("value" in concurrency ? { concurrency: concurrency.value } : {}),
            ...("value" in paused ? { paused: paused.value } : {}),
            ...(stray === undefined ? {} : { [stray.name]: 1 })
          },
          ...concurrency.faults,
          ...paused.faults,
          ...(stray?.faults ?? [])
        )
      )
  },
  // Not an object, not JSON, not declared as JSON.
  fc.constantFrom(
    json([], fault("input", 400, "body")),
    json(null, fault("input", 400, "body")),
    json(3, fault("input", 400, "body")),
    { body: "{", type: "application/json", faults: [fault("input", 400, "body")] },
    {
      body: "paused=true",
      type: "application/x-www-form-urlencoded",
      faults: [fault("media", 415, "Content-Type")]
    }
  )
)

/** A body nobody asked for: ignored when JSON, refused (415) otherwise. */
const strayBody = fc.option(
  fc.constantFrom<Body>(
    { body: "{}", type: "application/json", faults: [] },
    { body: "x=1", type: "text/plain", faults: [fault("media", 415, "Content-Type")] }
  ),
  { nil: undefined }
)

/** GET /admin/topics, PATCH /admin/topics/{topic} and POST /admin/drain. */
export const adminEndpoints = fc
  .tuple(caller, fc.constantFrom("list", "set", "drain"), topic, change, strayBody)
  .chain(([who, op, target, body, stray]) => {
    if (op === "set")
      return withHeaders(who.user, {
        method: "PATCH",
        path: `/admin/topics/${percentEncode(target.name)}`,
        authenticated: true,
        ok: 200,
        body: body.body,
        headers: { "content-type": body.type },
        faults: [...who.faults, ...target.faults, ...body.faults]
      })
    const sent = op === "drain" ? stray : undefined
    return withHeaders(who.user, {
      method: op === "drain" ? "POST" : "GET",
      path: op === "drain" ? "/admin/drain" : "/admin/topics",
      authenticated: true,
      ok: op === "drain" ? 202 : 200,
      ...(sent === undefined ? {} : { body: sent.body, headers: { "content-type": sent.type } }),
      faults: [...who.faults, ...(sent?.faults ?? [])]
    })
  })
