import { ErrorCode } from "@enamel/domain"
import { ServiceUnavailable, Unauthorized } from "@enamel/domain/contract"
import {
  Keystone,
  type OpenStackError,
  OpenStackNotFound,
  OpenStackUnauthorized,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import { Effect, Layer } from "effect"
import { invalidToken, TokenValidator } from "./TokenValidator.js"

const keystoneDown = new ServiceUnavailable({
  code: ErrorCode.authKeystoneUnavailable,
  detail: "Keystone cannot validate the token right now; try again shortly"
})

const notScoped = new Unauthorized({
  code: ErrorCode.authTokenNotProjectScoped,
  detail: "the X-Auth-Token must be scoped to a project"
})

/** Keystone says 404 for a token it does not know (or that expired): that is the caller's 401. */
const fromKeystone = (error: OpenStackError) =>
  error instanceof OpenStackNotFound || error instanceof OpenStackUnauthorized ? invalidToken : keystoneDown

/** Validates each token with `GET /v3/auth/tokens`, as Enamel's service user (which has the `service` role). */
export const layer = Layer.effect(
  TokenValidator,
  Effect.gen(function* () {
    const keystone = yield* Keystone
    const session = yield* Session
    return TokenValidator.of({
      validate: (token) =>
        Effect.gen(function* () {
          const authentication = yield* keystone
            .validateTokenWithCatalog(token)
            .pipe(Effect.provideService(Session, session), Effect.mapError(fromKeystone))
          const info = authentication.info
          if (info.project === undefined) return yield* notScoped
          return {
            userId: info.user.id,
            projectId: info.project.id,
            roles: info.roles.map((r) => r.name),
            expiresAt: info.expiresAt,
            token,
            session: Sessions.fromAuthentication(authentication, {
              authUrl: session.authUrl,
              interface: session.interface,
              ...(session.region === undefined ? {} : { region: session.region })
            })
          }
        })
    })
  })
)
