/**
 * The fuzzer's model of a request and of what a correct server may answer. Each generated request
 * carries the things wrong with it (faults), each with the stage that refuses it, the status it earns
 * and the names a useful error detail mentions; the earliest stage with a certain fault decides.
 */
import fc from "fast-check"

/** Where a request is refused, in the order the API checks (OpenStack conventions → routing → auth → input). */
export const stages = ["version", "size", "media", "depth", "route", "auth", "input", "semantic"] as const
export type Stage = (typeof stages)[number]

export interface Fault {
  readonly stage: Stage
  readonly status: number
  /** The detail must mention at least one of these (case-insensitive): the field, param or header at fault. */
  readonly names: ReadonlyArray<string>
  /** A fault the generator cannot be sure of (e.g. a task already cancelled by an earlier case). */
  readonly maybe?: boolean
}

export interface Case {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | Uint8Array
  /** Whether the endpoint needs X-Auth-Token (all but GET / and /openapi.json). */
  readonly authenticated: boolean
  /** The answer when nothing is wrong. */
  readonly ok: number
  readonly faults: ReadonlyArray<Fault>
}

export const fault = (stage: Stage, status: number, ...names: ReadonlyArray<string>): Fault => ({
  stage,
  status,
  names
})
export const maybeFault = (stage: Stage, status: number, ...names: ReadonlyArray<string>): Fault => ({
  stage,
  status,
  names,
  maybe: true
})

/** The statuses a correct server may answer with, and for each 4xx the names its detail must mention. */
export const allowed = (c: Case): ReadonlyMap<number, ReadonlyArray<string>> => {
  const rank = (s: Stage) => stages.indexOf(s)
  const decisive = c.faults.filter((f) => f.maybe !== true).sort((a, b) => rank(a.stage) - rank(b.stage))[0]
  const limit = decisive === undefined ? stages.length : rank(decisive.stage)
  const answers = new Map<number, Array<string>>()
  for (const f of c.faults) {
    if (rank(f.stage) > limit) continue
    answers.set(f.status, [...(answers.get(f.status) ?? []), ...f.names])
  }
  if (decisive === undefined) answers.set(c.ok, [])
  return answers
}

/** Percent-encodes every byte but unreserved ones: any string, even one with lone surrogates, as a URL part. */
export const percentEncode = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (byte) => {
    const char = String.fromCharCode(byte)
    return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }).join("")

/** Strings with what breaks naive code: NUL, lone surrogates, bidi overrides, emoji, any code point. */
export const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udc00",
    "\u202e\u0301",
    "😀",
    "'; DROP TABLE tasks; --",
    "%00"
  )
)

/** A header value fetch can send: printable ASCII without leading or trailing blanks. */
export const headerText = (maxLength: number, minLength = 1) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength,
    maxLength
  })

export const users = {
  alice: "token-alice-secret",
  bob: "token-bob-secret",
  admin: "token-admin-secret"
} as const
/** Who calls: one of two members in two projects (the tasks' owners), or the admin (the admin API). */
export type Caller = keyof typeof users
export type User = Exclude<Caller, "admin">

/**
 * X-Auth-Token, usually the caller's; sometimes missing, empty or garbage (401, naming the header).
 * `OpenStack-API-Version`: absent, served, another service's, garbage, or an unserved enamel version (406).
 * X-OpenStack-Request-ID and Accept: anything (ignored).
 */
const caller = Symbol("caller")

/** Built once: making these arbitraries (fc.stringMatching above all) costs more than using them. */
const headerChoices = fc.record({
  token: fc.oneof(
    { weight: 16, arbitrary: fc.constant<string | typeof caller | undefined>(caller) },
    fc.constant(undefined),
    fc.constant(""),
    headerText(300)
  ),
  version: fc.oneof(
    { weight: 10, arbitrary: fc.constant<string | undefined>(undefined) },
    fc.constantFrom("enamel 1.0", "enamel latest", "compute 2.1", "ENAMEL 1.0, compute 2.90"),
    headerText(40).filter((s) => !/enamel/i.test(s)),
    fc
      .stringMatching(/^[0-9a-z.]{0,8}$/)
      .filter((v) => v !== "1.0" && v !== "latest")
      .map((v) => `enamel ${v}`)
  ),
  requestId: fc.option(
    fc.oneof(
      headerText(80),
      fc.uuid().map((u) => `req-${u}`)
    ),
    { nil: undefined }
  ),
  accept: fc.option(fc.oneof(headerText(40), fc.constantFrom("application/xml", "*/*")), { nil: undefined })
})

export const commonHeaders = (user: Caller, authenticated: boolean) =>
  headerChoices.map(({ token: choice, version, requestId, accept }) => {
    const token = choice === caller ? users[user] : choice
    const headers: Record<string, string> = {}
    const faults: Array<Fault> = []
    if (token !== undefined) headers["x-auth-token"] = token
    if (authenticated && token !== users[user]) faults.push(fault("auth", 401, "X-Auth-Token"))
    if (version !== undefined) {
      headers["openstack-api-version"] = version
      const asked = version.split(",").map((p) => p.trim().split(/\s+/))
      const mine = asked.find(([service]) => service?.toLowerCase() === "enamel")
      if (mine !== undefined && mine[1] !== "1.0" && mine[1] !== "latest")
        faults.push(fault("version", 406, "OpenStack-API-Version"))
    }
    if (requestId !== undefined) headers["x-openstack-request-id"] = requestId
    if (accept !== undefined) headers.accept = accept
    return { headers, faults }
  })

/** An optional Idempotency-Key: absent, fine (1–255 characters), empty or too long (400). */
export const idempotencyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ value: undefined, faults: [] as ReadonlyArray<Fault> }) },
  headerText(255).map((value) => ({
    value,
    // The same key with another body is a conflict; the generator may repeat a short key.
    faults: [maybeFault("semantic", 409, "Idempotency-Key")]
  })),
  fc.constant({ value: "", faults: [fault("input", 400, "idempotency-key")] }),
  headerText(600, 256).map((value) => ({ value, faults: [fault("input", 400, "idempotency-key")] }))
)

export const user = fc.constantFrom<User>("alice", "bob")
export const other = (u: User): User => (u === "alice" ? "bob" : "alice")

/**
 * Anything that is not shaped like a UUID, as a path segment or query value; not empty, "." or "..":
 * URLs resolve those to another path (`/tasks/` is the list).
 */
export const notUuid = nastyString.filter(
  (s) => !["", ".", ".."].includes(s) && !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(s)
)

/** What a server receives for a string sent percent-encoded as UTF-8 (lone surrogates become U+FFFD). */
export const received = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s))

export const withHeaders = (
  user: Caller,
  parts: Omit<Case, "headers" | "faults"> & {
    readonly headers?: Readonly<Record<string, string>>
    readonly faults: ReadonlyArray<Fault>
  }
) =>
  commonHeaders(user, parts.authenticated).map((common): Case => {
    const c: Case = {
      ...parts,
      headers: { ...common.headers, ...parts.headers },
      faults: [...parts.faults, ...common.faults]
    }
    // How fast-check prints a counterexample: short, even for a 300 kB body.
    return Object.assign(c, { [fc.toStringMethod]: () => describe(c) })
  })

const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text)

/** A case in a line: its faults, method, path, headers, and the start of the body. */
export const describe = (c: Case) =>
  [
    `faults ${JSON.stringify(c.faults.map((f) => `${f.status}${f.maybe === true ? "?" : ""} ${f.names.join("|")}`))}`,
    c.method,
    clip(c.path, 300),
    clip(JSON.stringify(c.headers), 400),
    c.body === undefined
      ? ""
      : typeof c.body === "string"
        ? `body(${c.body.length}) ${clip(JSON.stringify(c.body), 400)}`
        : `bytes(${c.body.length}) ${clip(Buffer.from(c.body).toString("hex"), 200)}`
  ].join(" ")
