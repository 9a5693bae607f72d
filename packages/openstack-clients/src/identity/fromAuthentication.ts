import { Effect } from "effect"
import { OpenStackUnauthorized } from "../errors.js"
import type { EndpointInterface } from "./catalog.js"
import { selectEndpoint } from "./catalog.js"
import { Session, type SessionShape } from "./Session.js"
import { type Authentication, keystone } from "./tokens.js"

/**
 * A session that acts with a token someone else obtained (a caller's, validated with its catalog): it
 * never authenticates, and a 401 ends it, since it has no credentials to get another token with.
 */
export const fromAuthentication = (
  authentication: Authentication,
  options: { readonly authUrl: string; readonly interface?: EndpointInterface; readonly region?: string }
): SessionShape => {
  const iface = options.interface ?? "public"
  return Session.of({
    authUrl: options.authUrl,
    interface: iface,
    region: options.region,
    authentication: Effect.succeed(authentication),
    reauthenticate: () =>
      Effect.fail(
        new OpenStackUnauthorized({
          service: keystone,
          message: "the caller's token was refused",
          status: 401
        })
      ),
    endpoint: (serviceType) =>
      selectEndpoint(authentication.catalog, { serviceType, interface: iface, region: options.region })
  })
}
