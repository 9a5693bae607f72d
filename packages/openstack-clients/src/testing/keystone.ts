/**
 * Keystone v3 in the double: tokens (password, token and application credential methods; validation with
 * and without the catalog; revocation) and application credentials.
 */
import { Effect } from "effect"
import {
  type Answer,
  type CloudCall,
  type Ctx,
  endpointOf,
  field,
  keystoneTime,
  noContent,
  ok,
  type Refusal,
  refuse,
  stringArray,
  stringField
} from "./http.js"
import {
  type ApplicationCredential,
  type CloudState,
  hexId,
  type Role,
  type Token,
  type User
} from "./state.js"

const tokenLifetime = 3_600_000
const domain = { id: "default", name: "Default" }

const catalogEntries = [
  ["identity", "keystone"],
  ["compute", "nova"],
  ["network", "neutron"],
  ["volumev3", "cinderv3"],
  ["image", "glance"]
] as const

export const catalog = (projectId: string) =>
  catalogEntries.map(([type, name]) => ({
    endpoints: ["public", "internal", "admin"].map((iface) => ({
      id: hexId(),
      interface: iface,
      region_id: "RegionOne",
      url: endpointOf(type, projectId) ?? "",
      region: "RegionOne"
    })),
    id: hexId(),
    type,
    name
  }))

const roleView = (role: Role) => ({ id: role.id, name: role.name })

/** `{"token": {...}}` as Keystone Zed writes it. */
export const tokenBody = (state: CloudState, token: Token, withCatalog: boolean) => {
  const user = state.users.get(token.userId)
  const project = state.projects.get(token.projectId)
  return {
    token: {
      methods: token.methods,
      user: { domain, id: token.userId, name: user?.name ?? "", password_expires_at: null },
      audit_ids: [hexId().slice(0, 22)],
      expires_at: keystoneTime(token.expiresAt),
      issued_at: keystoneTime(token.issuedAt),
      project: { domain, id: token.projectId, name: project?.name ?? "" },
      is_domain: false,
      roles: token.roles.map(roleView),
      ...(token.applicationCredential === undefined
        ? {}
        : { application_credential: { ...token.applicationCredential, restricted: true } }),
      ...(withCatalog ? { catalog: catalog(token.projectId) } : {})
    }
  }
}

/** The token a call carries, if it is valid now. */
export const validToken = (state: CloudState, id: string | undefined, now: number): Token | undefined => {
  const token = id === undefined ? undefined : state.tokens.get(id)
  return token === undefined || token.revoked || token.expiresAt <= now ? undefined : token
}

const unauthorized = () => refuse("keystone", 401)

const findUser = (state: CloudState, reference: unknown): User | undefined => {
  const id = stringField(reference, "id")
  const name = stringField(reference, "name")
  return [...state.users.values()].find((u) => (id !== undefined ? u.id === id : u.name === name))
}

/** The project a scope names, if the user may act on it. */
const scopedProject = (state: CloudState, scope: unknown, user: User) => {
  const project = field(scope, "project")
  const id = stringField(project, "id")
  const name = stringField(project, "name")
  const found = [...state.projects.values()].find((p) => (id !== undefined ? p.id === id : p.name === name))
  return found !== undefined && found.id === user.projectId ? found : undefined
}

const issue = (
  ctx: { readonly state: CloudState; readonly now: number },
  spec: Omit<Token, "id" | "issuedAt" | "expiresAt" | "revoked">
): Answer => {
  const token: Token = {
    ...spec,
    id: `gAAAAA${hexId()}${hexId()}`,
    issuedAt: ctx.now,
    expiresAt: ctx.now + tokenLifetime,
    revoked: false
  }
  ctx.state.tokens.set(token.id, token)
  return ok(tokenBody(ctx.state, token, true), 201, { "x-subject-token": token.id })
}

/** POST /v3/auth/tokens: the only call that needs no token. */
export const authenticate = (ctx: {
  readonly state: CloudState
  readonly call: CloudCall
  readonly now: number
}): Effect.Effect<Answer, Refusal> =>
  Effect.suspend(() => {
    const { state, call, now } = ctx
    const auth = field(call.json, "auth")
    const identity = field(auth, "identity")
    const methods = stringArray(field(identity, "methods"))
    if (methods.includes("password")) {
      const reference = field(field(identity, "password"), "user")
      const user = findUser(state, reference)
      if (user === undefined || stringField(reference, "password") !== user.password) return unauthorized()
      const project = scopedProject(state, field(auth, "scope"), user)
      if (project === undefined) return unauthorized()
      return Effect.succeed(
        issue(ctx, { userId: user.id, projectId: project.id, methods: ["password"], roles: user.roles })
      )
    }
    if (methods.includes("token")) {
      const from = validToken(state, stringField(field(identity, "token"), "id"), now)
      const user = from === undefined ? undefined : state.users.get(from.userId)
      const project = user === undefined ? undefined : scopedProject(state, field(auth, "scope"), user)
      if (from === undefined || user === undefined || project === undefined) return unauthorized()
      return Effect.succeed(
        issue(ctx, {
          userId: user.id,
          projectId: project.id,
          methods: ["token", ...from.methods],
          roles: user.roles
        })
      )
    }
    if (methods.includes("application_credential")) {
      const given = field(identity, "application_credential")
      const id = stringField(given, "id")
      const credential = id === undefined ? undefined : state.applicationCredentials.get(id)
      if (credential === undefined) {
        return refuse("keystone", 404, `Could not find Application Credential: ${id ?? ""}.`)
      }
      const expired = credential.expiresAt !== null && credential.expiresAt <= now
      if (stringField(given, "secret") !== credential.secret || expired) return unauthorized()
      return Effect.succeed(
        issue(ctx, {
          userId: credential.userId,
          projectId: credential.projectId,
          methods: ["application_credential"],
          roles: credential.roles,
          applicationCredential: { id: credential.id, name: credential.name }
        })
      )
    }
    return unauthorized()
  })

const mayManageTokens = (caller: Token, subject: Token | undefined) =>
  caller.roles.some((r) => r.name === "service" || r.name === "admin") || caller.id === subject?.id

const credentialView = (credential: ApplicationCredential, withSecret: boolean) => ({
  application_credential: {
    id: credential.id,
    name: credential.name,
    description: credential.description,
    user_id: credential.userId,
    project_id: credential.projectId,
    system: null,
    expires_at: credential.expiresAt === null ? null : keystoneTime(credential.expiresAt).replace(/Z$/, ""),
    unrestricted: credential.unrestricted ? true : null,
    roles: credential.roles.map((r) => ({ ...roleView(r), domain_id: null, description: null, options: {} })),
    ...(withSecret ? { secret: credential.secret } : {}),
    links: { self: `${endpointOf("identity", "")}application_credentials/${credential.id}` }
  }
})

const forbidden = (action: string) =>
  refuse("keystone", 403, `You are not authorized to perform the requested action: identity:${action}.`)

const createCredential = (ctx: Ctx, userId: string) =>
  Effect.gen(function* () {
    const { state, caller, call } = ctx
    if (caller.userId !== userId) return yield* forbidden("create_application_credential")
    const body = field(call.json, "application_credential")
    const name = stringField(body, "name")
    if (name === undefined) return yield* refuse("keystone", 400, "'name' is a required property")
    const duplicate = [...state.applicationCredentials.values()].some(
      (c) => c.userId === userId && c.name === name
    )
    if (duplicate) return yield* refuse("keystone", 409, `Duplicate entry found with name ${name}.`)
    const asked = field(body, "roles")
    const roles: Array<Role> = []
    for (const wanted of Array.isArray(asked) ? asked : caller.roles) {
      const role = caller.roles.find(
        (r) => r.id === stringField(wanted, "id") || r.name === stringField(wanted, "name")
      )
      if (role === undefined) return yield* refuse("keystone", 404, "Could not find role.")
      roles.push(role)
    }
    const expires = stringField(body, "expires_at")
    const credential: ApplicationCredential = {
      id: hexId(),
      name,
      description: stringField(body, "description") ?? null,
      userId,
      projectId: caller.projectId,
      roles,
      secret: hexId() + hexId(),
      expiresAt: expires === undefined ? null : Date.parse(expires),
      unrestricted: field(body, "unrestricted") === true
    }
    state.applicationCredentials.set(credential.id, credential)
    return ok(credentialView(credential, true), 201)
  })

/** The Keystone calls that carry a token. */
export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { state, call, caller, now } = ctx
  if (call.path === "/auth/tokens") {
    const subject = validToken(state, call.headers["x-subject-token"], now)
    if (call.method === "GET") {
      if (!mayManageTokens(caller, subject)) return forbidden("validate_token")
      if (subject === undefined)
        return refuse("keystone", 404, `Could not find token: ${call.headers["x-subject-token"] ?? ""}.`)
      return Effect.succeed(ok(tokenBody(state, subject, call.query.nocatalog === undefined)))
    }
    if (call.method === "DELETE") {
      if (!mayManageTokens(caller, subject)) return forbidden("revoke_token")
      if (subject === undefined)
        return refuse("keystone", 404, `Could not find token: ${call.headers["x-subject-token"] ?? ""}.`)
      subject.revoked = true
      return Effect.succeed(noContent)
    }
    return undefined
  }
  const match = /^\/users\/([^/]+)\/application_credentials(?:\/([^/]+))?$/.exec(call.path)
  if (match === null) return undefined
  const [, userId = "", id] = match
  if (id === undefined) return call.method === "POST" ? createCredential(ctx, userId) : undefined
  const credential = state.applicationCredentials.get(id)
  const own = credential !== undefined && credential.userId === userId && caller.userId === userId
  const missing = () => refuse("keystone", 404, `Could not find Application Credential: ${id}.`)
  if (call.method === "GET") return own ? Effect.succeed(ok(credentialView(credential, false))) : missing()
  if (call.method === "DELETE") {
    if (!own) return missing()
    state.applicationCredentials.delete(id)
    // Keystone revokes the tokens an application credential gave when it is deleted.
    for (const token of state.tokens.values()) {
      if (token.applicationCredential?.id === id) token.revoked = true
    }
    return Effect.succeed(noContent)
  }
  return undefined
}
