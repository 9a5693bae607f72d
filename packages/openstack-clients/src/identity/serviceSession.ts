import { Config, Context, Effect, Layer } from "effect"
import { Credentials } from "./Credentials.js"
import { withOsCloud } from "./cloudsYaml.js"
import { make } from "./makeSession.js"
import { Session, type SessionShape } from "./Session.js"

/**
 * Enamel's own service user, kept apart from `Session` (the current caller): it validates users' tokens
 * and keeps their keys in Barbican, while each task acts with the user's own session.
 */
export class ServiceSession extends Context.Tag("@enamel/openstack-clients/ServiceSession")<
  ServiceSession,
  SessionShape
>() {}

/** The service user in the usual OS_* variables; OS_AUTH_URL is Keystone's v3 root. */
export const ServiceCredentials = Config.all({
  authUrl: Config.string("OS_AUTH_URL"),
  username: Config.string("OS_USERNAME"),
  password: Config.redacted("OS_PASSWORD"),
  projectName: Config.string("OS_PROJECT_NAME").pipe(Config.withDefault("service")),
  userDomain: Config.string("OS_USER_DOMAIN_NAME").pipe(Config.withDefault("Default")),
  projectDomain: Config.string("OS_PROJECT_DOMAIN_NAME").pipe(Config.withDefault("Default")),
  interface: Config.literal("public", "internal", "admin")("OS_INTERFACE").pipe(Config.withDefault("public")),
  region: Config.option(Config.string("OS_REGION_NAME"))
})

/**
 * The service user's session, for the life of the process, from the OS_* variables, or from the cloud
 * that OS_CLOUD names in clouds.yaml (OS_* variables that are set still win).
 */
export const layerServiceSession = Layer.scoped(
  ServiceSession,
  Effect.gen(function* () {
    const c = yield* withOsCloud(ServiceCredentials)
    return yield* make({
      authUrl: c.authUrl,
      interface: c.interface,
      ...(c.region._tag === "Some" ? { region: c.region.value } : {}),
      credentials: Credentials.Password({
        user: { name: c.username, domainName: c.userDomain },
        password: c.password,
        project: { name: c.projectName, domainName: c.projectDomain }
      })
    })
  })
)

/** The service session as the current caller, for code that acts as Enamel itself. */
export const layerAsCaller = Layer.effect(Session, ServiceSession)
