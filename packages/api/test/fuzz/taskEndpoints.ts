/** Arbitraries for the tasks endpoints: the list's query, and the id, headers and body of the others. */
import fc from "fast-check"
import {
  type Fault,
  fault,
  headerText,
  maybeFault,
  nastyString,
  notUuid,
  other,
  percentEncode,
  received,
  type User,
  user,
  withHeaders
} from "./cases.js"

/** Tasks made before fuzzing: one still PENDING and one CANCELLED per user. */
export interface KnownTasks {
  readonly alice: { readonly active: string; readonly done: string }
  readonly bob: { readonly active: string; readonly done: string }
}

interface Param {
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly faults: ReadonlyArray<Fault>
}

const none: Param = { query: [], faults: [] }
const good = (name: string, value: string): Param => ({ query: [[name, value]], faults: [] })
const bad = (name: string, value: string): Param => ({
  query: [[name, value]],
  faults: [fault("input", 400, name)]
})

/** One query parameter: absent, valid, invalid, or given twice (an array where one value is expected). */
const param = (name: string, valid: fc.Arbitrary<string>, invalid: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(none) },
    { weight: 2, arbitrary: valid.map((v) => good(name, v)) },
    invalid.map((v) => bad(name, v)),
    fc.tuple(valid, valid).map(
      ([a, b]): Param => ({
        query: [
          [name, a],
          [name, b]
        ],
        faults: [fault("input", 400, name)]
      })
    )
  )

/** How the API reads an integer: JavaScript's Number of the text, which must not be blank. */
const integerText = (v: string) => v.trim() !== "" && Number.isInteger(Number(v))

const states = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLING", "CANCELLED", "active", "all"]

/** `all_projects=true` is admin-only: a member gets 403 naming it. */
const allProjects = fc.oneof(
  { weight: 3, arbitrary: fc.constant(none) },
  fc.constant<Param>({ query: [["all_projects", "true"]], faults: [fault("semantic", 403, "all_projects")] }),
  fc.constant(good("all_projects", "false")),
  fc.constantFrom("1", "yes", "TRUE", "", "on").map((v) => bad("all_projects", v))
)

/** The marker: the caller's own task pages; another project's, an unknown or a malformed id do not. */
const marker = (u: User, known: KnownTasks) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(none) },
    fc.constant(good("marker", known[u].done)),
    fc
      .oneof(fc.constant(known[other(u)].done), fc.uuid())
      .map((m): Param => ({ query: [["marker", m]], faults: [fault("semantic", 400, "marker")] })),
    notUuid.map((m) => bad("marker", m))
  )

/** Text a PostgreSQL text column can hold, at most 255 characters. */
const storableType = (s: string) => received(s).length <= 255 && !received(s).includes("\u0000")

/** GET /tasks with every query parameter right, wrong, doubled or absent, plus unknown ones (ignored). */
export const listTasks = (known: KnownTasks) =>
  user.chain((u) =>
    fc
      .tuple(
        param(
          "state",
          fc.constantFrom(...states),
          nastyString.filter((s) => !states.includes(received(s)))
        ),
        param(
          "scope",
          fc.constantFrom("user", "project"),
          nastyString.filter((s) => !["user", "project"].includes(received(s)))
        ),
        allProjects,
        param(
          "type",
          fc.oneof(fc.constantFrom("server.create", "server.delete"), nastyString.filter(storableType)),
          fc.oneof(
            fc.string({ minLength: 256, maxLength: 300 }),
            fc.constantFrom("\u0000", "server\u0000create")
          )
        ),
        fc
          .oneof(
            { weight: 3, arbitrary: fc.constant(undefined) },
            fc.integer({ min: 1, max: 1000 }).map(String),
            fc.constantFrom(
              "0",
              "1001",
              "abc",
              "1.5",
              "-1",
              "NaN",
              "Infinity",
              "1e9",
              "0x10",
              "1e3",
              " 7",
              ""
            )
          )
          .map((v): Param => {
            if (v === undefined) return none
            const n = Number(v)
            return integerText(v) && n >= 1 && n <= 1000 ? good("limit", v) : bad("limit", v)
          }),
        marker(u, known),
        fc.array(
          fc.tuple(
            headerText(12).filter((k) => !/^(state|scope|all_projects|type|limit|marker)$/.test(k)),
            nastyString
          ),
          { maxLength: 3 }
        )
      )
      .chain(([state, scope, all, type, limit, mark, unknown]) => {
        const params = [state, scope, all, type, limit, mark]
        const query = [...params.flatMap((p) => p.query), ...unknown]
          .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
          .join("&")
        return withHeaders(u, {
          method: "GET",
          path: query === "" ? "/tasks" : `/tasks?${query}`,
          authenticated: true,
          ok: 200,
          faults: params.flatMap((p) => p.faults)
        })
      })
  )

/** A task id: the caller's own, another project's (404, never 403), unknown (404) or malformed (400). */
const taskId = (own: ReadonlyArray<string>, theirs: ReadonlyArray<string>) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(...own).map((id) => ({ id, faults: [] as ReadonlyArray<Fault> }))
    },
    fc
      .oneof(fc.constantFrom(...theirs), fc.uuid())
      .map((id) => ({ id, faults: [fault("semantic", 404, "task")] })),
    notUuid.map((id) => ({
      id,
      faults: [fault("input", 400, "id")]
    }))
  )

/** A body nobody asked for: ignored when JSON, refused (415) otherwise. */
const strayBody = fc.option(
  fc.oneof(
    fc.constant({ body: "{}", type: "application/json", faults: [] as ReadonlyArray<Fault> }),
    fc.constant({ body: "x=1", type: "text/plain", faults: [fault("media", 415, "Content-Type")] })
  ),
  { nil: undefined }
)

/** GET /tasks/{id}, POST /tasks/{id}/cancel and DELETE /tasks/{id}. */
export const taskById = (known: KnownTasks) =>
  fc.tuple(user, fc.constantFrom("get", "cancel", "delete"), strayBody).chain(([u, op, stray]) => {
    const own = [known[u].active, known[u].done]
    const theirs = [known[other(u)].active, known[other(u)].done]
    return taskId(own, theirs).chain(({ id, faults }) => {
      const cancelling = op !== "get"
      // Cancelling one's own task: 202 the first time, 409 (naming the task) once it has ended.
      const ended = cancelling && own.includes(id) ? [maybeFault("semantic", 409, "task")] : []
      const method = op === "get" ? "GET" : op === "cancel" ? "POST" : "DELETE"
      const path = `/tasks/${percentEncode(id)}${op === "cancel" ? "/cancel" : ""}`
      const body = method === "GET" ? undefined : stray
      return withHeaders(u, {
        method,
        path,
        authenticated: true,
        ok: cancelling ? 202 : 200,
        ...(body === undefined ? {} : { body: body.body, headers: { "content-type": body.type } }),
        faults: [...faults, ...ended, ...(body?.faults ?? [])]
      })
    })
  })

/**
 * POST /tasks/{id}/retry and /rollback: no known task is held (none was asked with on_failure "keep"),
 * so one's own answers 409 naming the task (task.not_held), another's 404 as cancel does.
 */
export const taskTakeUp = (known: KnownTasks) =>
  fc.tuple(user, fc.constantFrom("retry", "rollback"), strayBody).chain(([u, op, stray]) => {
    const own = [known[u].active, known[u].done]
    const theirs = [known[other(u)].active, known[other(u)].done]
    return taskId(own, theirs).chain(({ id, faults }) => {
      const notHeld = own.includes(id) ? [fault("semantic", 409, "task")] : []
      return withHeaders(u, {
        method: "POST",
        path: `/tasks/${percentEncode(id)}/${op}`,
        authenticated: true,
        ok: 202,
        ...(stray === undefined ? {} : { body: stray.body, headers: { "content-type": stray.type } }),
        faults: [...faults, ...notHeld, ...(stray?.faults ?? [])]
      })
    })
  })

/** GET /tasks/{id}/events on ended tasks (a live one streams until it ends), with any Last-Event-ID. */
export const taskEvents = (known: KnownTasks) =>
  user.chain((u) =>
    fc
      .tuple(
        taskId([known[u].done], [known[other(u)].done, known[other(u)].active]),
        fc.oneof(
          { weight: 2, arbitrary: fc.constant({ value: undefined, faults: [] as ReadonlyArray<Fault> }) },
          fc
            .oneof(
              fc.integer({ min: -5, max: 1_000_000 }).map(String),
              headerText(20),
              fc.constantFrom("1.5", "abc", "1e400", "NaN", "0x10", "1e3", "+5")
            )
            .map((value) => ({
              value,
              faults: integerText(value) ? [] : [fault("input", 400, "last-event-id")]
            }))
        )
      )
      .chain(([{ id, faults }, last]) =>
        withHeaders(u, {
          method: "GET",
          path: `/tasks/${percentEncode(id)}/events`,
          authenticated: true,
          ok: 200,
          headers: last.value === undefined ? {} : { "last-event-id": last.value },
          faults: [...faults, ...last.faults]
        })
      )
  )
