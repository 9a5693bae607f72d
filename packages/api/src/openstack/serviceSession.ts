import { Credentials, Session, Sessions } from "@enamel/openstack-clients"
import { Config, Effect, Layer } from "effect"

/**
 * Enamel's own service user, in the usual OS_* variables: it validates callers' tokens and keeps
 * their keys in Barbican. OS_AUTH_URL is Keystone's v3 root.
 */
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

/** The service user's session, for the life of the process. */
export const layer = Layer.scoped(
  Session,
  Effect.gen(function* () {
    const c = yield* ServiceCredentials
    return yield* Sessions.make({
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
