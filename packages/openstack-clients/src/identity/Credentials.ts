import { Data, type Redacted } from "effect"

/** Which project a token is scoped to: by id, or by name within a domain. */
export type ProjectScope =
  | { readonly id: string }
  | { readonly name: string; readonly domainName: string }
  | { readonly name: string; readonly domainId: string }

/** Which user: by id, or by name within a domain. */
export type UserReference =
  | { readonly id: string }
  | { readonly name: string; readonly domainName: string }
  | { readonly name: string; readonly domainId: string }

/**
 * How a session proves who it is. Secrets are `Redacted`, so they never show up in logs or errors.
 * - Password: a user's password, scoped to a project.
 * - Token: an existing token (e.g. one a user sent us), re-scoped to a project; it cannot outlive it.
 * - ApplicationCredential: an application credential's id and secret; its project is implied.
 */
export type Credentials = Data.TaggedEnum<{
  Password: {
    readonly user: UserReference
    readonly password: Redacted.Redacted<string>
    readonly project: ProjectScope
  }
  Token: {
    readonly token: Redacted.Redacted<string>
    readonly project: ProjectScope
  }
  ApplicationCredential: {
    readonly id: string
    readonly secret: Redacted.Redacted<string>
  }
}>

export const Credentials = Data.taggedEnum<Credentials>()
