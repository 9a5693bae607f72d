import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ErrorCode } from "../ErrorCatalogue.js"
import * as Answers from "./answers.js"
import * as Input from "./input.js"

/**
 * `POST /ui/sign-in`: the timeline page's sign-in. A Keystone name, password and project are passed to
 * Keystone once; the answer is the project-scoped token and its expiry. Enamel keeps nothing.
 */
const field = (name: string, max: number) =>
  Schema.String.pipe(
    Schema.minLength(1, { message: () => `${name}: must not be empty` }),
    Schema.maxLength(max, { message: () => `${name}: at most ${max} characters` })
  )

export const SignInRequest = Input.body(
  Schema.Struct({
    username: field("username", 255),
    password: field("password", 4096),
    project: field("project", 255),
    /** The domain of both user and project; Keystone's `Default` when absent. */
    domain: Schema.optional(field("domain", 255))
  })
)
export type SignInRequest = typeof SignInRequest.Type

const Named = Schema.Struct({ id: Schema.String, name: Schema.String })

export const SignInResponse = Schema.Struct({
  token: Schema.Struct({
    /** The Keystone token: send it as X-Auth-Token. */
    id: Schema.String,
    expires_at: Schema.String,
    user: Named,
    project: Named,
    roles: Schema.Array(Schema.String)
  })
})
export type SignInResponse = typeof SignInResponse.Type

export class SignInGroup extends HttpApiGroup.make("signIn")
  .add(
    HttpApiEndpoint.post("signIn", "/ui/sign-in")
      .setPayload(SignInRequest)
      .addSuccess(SignInResponse, { status: 201 })
      .addError(Answers.badRequest(ErrorCode.requestInvalid, ErrorCode.requestMalformed))
      .addError(Answers.bodyRefused)
      .addError(Answers.unauthorized(ErrorCode.authInvalidCredentials))
      .addError(Answers.tooManyRequests(ErrorCode.authSignInThrottled))
      .addError(Answers.serviceUnavailable(ErrorCode.authKeystoneUnavailable, ErrorCode.serviceUnavailable))
      .annotate(
        OpenApi.Description,
        "The timeline page's sign-in (no token needed): the Keystone user name, password and project (and " +
          "their domain, `Default` when absent) are passed to Keystone once and the project-scoped token is " +
          "answered with its expiry; Enamel keeps neither. Each client address may try 10 times a minute."
      )
  )
  .annotate(OpenApi.Description, "Sign-in for the timeline page at /ui/.") {}
