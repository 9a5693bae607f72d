/** The dev cloud as the benchmarks see it: identities, tokens, service endpoints, plain fetch, polling. */
import { execFileSync } from "node:child_process"

export const CLOUDS_YAML = "/var/lib/enamel-devcloud/clouds.yaml"

/** The OS_* variables of a dev cloud identity, as `devcloud env` prints them. */
export const identityEnv = (identity: string): Record<string, string> =>
  Object.fromEntries(
    execFileSync("devcloud/devcloud", ["env", identity], { encoding: "utf8" })
      .split("\n")
      .flatMap((line) => {
        const m = /^export ([A-Z_]+)=(.*)$/.exec(line)
        return m?.[1] === undefined || m[2] === undefined ? [] : [[m[1], m[2]] as const]
      })
  )

interface CatalogEntry {
  readonly type: string
  readonly endpoints: ReadonlyArray<{ readonly interface: string; readonly url: string }>
}

/** A project-scoped token and the public endpoints of its catalog, by service type. */
export interface Login {
  readonly token: string
  readonly endpoints: Readonly<Record<string, string>>
}

export const login = async (identity: string): Promise<Login> => {
  const env = identityEnv(identity)
  const response = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: {
            user: { name: env.OS_USERNAME, domain: { name: "Default" }, password: env.OS_PASSWORD }
          }
        },
        scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: "Default" } } }
      }
    })
  })
  const token = response.headers.get("x-subject-token")
  if (token === null) throw new Error(`Keystone refused ${identity}: ${response.status}`)
  const body = (await response.json()) as { token: { catalog: ReadonlyArray<CatalogEntry> } }
  const endpoints = Object.fromEntries(
    body.token.catalog.flatMap((entry) => {
      const url = entry.endpoints.find((e) => e.interface === "public")?.url
      return url === undefined ? [] : [[entry.type, url.replace(/\/$/, "")] as const]
    })
  )
  return { token, endpoints }
}

/** One JSON call with the login's token; throws on a non-2xx answer. */
export const call = async <A>(
  who: Login,
  service: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<A> => {
  const base = who.endpoints[service]
  if (base === undefined) throw new Error(`no ${service} endpoint in the catalog`)
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "x-auth-token": who.token, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${service}${path}: ${response.status} ${text.slice(0, 300)}`)
  return (text === "" ? undefined : JSON.parse(text)) as A
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls every 0.2 s until `done` says so; fails on `failed` or after 5 minutes. */
export const pollUntil = async <A>(
  read: () => Promise<A>,
  done: (a: A) => boolean,
  failed: (a: A) => boolean
) => {
  for (let i = 0; i < 1500; i++) {
    const value = await read()
    if (done(value)) return value
    if (failed(value)) throw new Error(`failed: ${JSON.stringify(value).slice(0, 300)}`)
    await sleep(200)
  }
  throw new Error("timed out")
}

/** Polls every 0.2 s until `read` answers 404. */
export const gone = (read: () => Promise<unknown>) =>
  pollUntil(
    () =>
      read().then(
        () => false,
        (error: unknown) => String(error).includes(" 404 ")
      ),
    (isGone) => isGone,
    () => false
  )
