/**
 * The real dev cloud for integration tests: identities from clouds.yaml (OS_CLIENT_CONFIG_FILE, default
 * /var/lib/enamel-devcloud/clouds.yaml), sessions per identity, unique names, and a loud failure when the
 * cloud cannot be reached (CI starts it before the tests).
 */
import {
  ClientSettings,
  CloudsYaml,
  Credentials,
  type EndpointInterface,
  OpenStackClients,
  type Session,
  Sessions
} from "@enamel/openstack-clients"
import { Config, Duration, Effect, Layer, Redacted } from "effect"

export const cloudsFile = Config.string("OS_CLIENT_CONFIG_FILE").pipe(
  Config.withDefault("/var/lib/enamel-devcloud/clouds.yaml")
)

export interface CloudProfile {
  readonly name: string
  readonly authUrl: string
  readonly region: string | undefined
  readonly interface: EndpointInterface
  readonly credentials: Credentials
  readonly username: string
  readonly projectName: string
}

const asInterface = (value: string | undefined): EndpointInterface =>
  value === "internal" || value === "admin" ? value : "public"

/** The identity `name` of clouds.yaml (admin, alice, bob, enamel), read as Enamel reads OS_CLOUD. */
export const cloudProfile = (name: string) =>
  Effect.gen(function* () {
    const file = yield* cloudsFile
    const os = yield* CloudsYaml.readCloud(name, [file]).pipe(
      Effect.mapError((error) => new Error(`${error.message} (is the dev cloud up? devcloud/devcloud up)`))
    )
    const required = (key: string) => {
      const value = os.get(key)
      if (value === undefined) throw new Error(`${file}: cloud ${name} has no ${key}`)
      return value
    }
    const username = required("OS_USERNAME")
    const projectName = required("OS_PROJECT_NAME")
    const profile: CloudProfile = {
      name,
      authUrl: required("OS_AUTH_URL"),
      region: os.get("OS_REGION_NAME"),
      interface: asInterface(os.get("OS_INTERFACE")),
      username,
      projectName,
      credentials: Credentials.Password({
        user: { name: username, domainName: os.get("OS_USER_DOMAIN_NAME") ?? "Default" },
        password: Redacted.make(required("OS_PASSWORD")),
        project: { name: projectName, domainName: os.get("OS_PROJECT_DOMAIN_NAME") ?? "Default" }
      })
    }
    return profile
  }).pipe(Effect.orDie)

/** Session options for an identity of clouds.yaml. */
export const sessionOptions = (profile: CloudProfile, extra: Partial<Sessions.SessionOptions> = {}) => ({
  authUrl: profile.authUrl,
  credentials: profile.credentials,
  interface: profile.interface,
  ...(profile.region === undefined ? {} : { region: profile.region }),
  ...extra
})

/** Fails (does not skip) when Keystone does not answer: the cloud must be up for integration tests. */
export const requireReachableCloud = Effect.gen(function* () {
  const profile = yield* cloudProfile("admin")
  yield* Effect.tryPromise({
    try: () => fetch(profile.authUrl, { signal: AbortSignal.timeout(5000) }),
    catch: (cause) =>
      new Error(
        `the dev cloud's Keystone at ${profile.authUrl} is unreachable (${String(cause)}); ` +
          "start it with devcloud/devcloud up before the integration tests"
      )
  })
}).pipe(Effect.orDie)

/** A session for an identity of clouds.yaml, over the live clients. */
export const sessionLayer = (name: string, extra: Partial<Sessions.SessionOptions> = {}) =>
  Layer.unwrapEffect(
    Effect.map(cloudProfile(name), (profile) => Sessions.layer(sessionOptions(profile, extra)))
  )

/** Polling at 0.2 s (the default), a waiter timeout that fits a test. */
export const testSettings = ClientSettings.layer({ waitTimeout: Duration.seconds(90) })

/** The live clients (over fetch), a session for `identity`, test settings, after checking the cloud is up. */
export const cloudLayer = (identity: string) =>
  Layer.provideMerge(sessionLayer(identity), OpenStackClients.layer).pipe(
    Layer.provideMerge(testSettings),
    Layer.provide(Layer.effectDiscard(requireReachableCloud))
  )

export type CloudServices = OpenStackClients.OpenStackClients | Session

/** A name no other test run uses: `enamel-test-<random>`. */
export const uniqueName = (what = "test") => `enamel-${what}-${crypto.randomUUID().slice(0, 8)}`

/** A session for an identity of clouds.yaml, living in the current scope. */
export const sessionFor = (identity: string, extra: Partial<Sessions.SessionOptions> = {}) =>
  Effect.flatMap(cloudProfile(identity), (profile) => Sessions.make(sessionOptions(profile, extra)))
