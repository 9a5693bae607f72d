import { Effect, Schema } from "effect"
import type { OpenStackError } from "../errors.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { Session } from "../identity/Session.js"

/** Neutron's fields shared by the resources below. */
export const projectId = Schema.propertySignature(Schema.String).pipe(Schema.fromKey("project_id"))
export const tags = Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })

export const neutron = "neutron"

const TagsBody = Schema.Struct({ tags: Schema.Array(Schema.String) })

/** Neutron's tag filter: resources carrying all the tags. */
export const tagsQuery = (wanted: ReadonlyArray<string> | undefined): string | undefined =>
  wanted === undefined || wanted.length === 0 ? undefined : wanted.join(",")

/** The id of the session's project, to prefer its own resources among several with one name. */
export const sessionProjectId = Effect.flatMap(Session, (session) => session.authentication).pipe(
  Effect.map((authentication) => authentication.info.project?.id)
)

/** Replaces the resource's tags (PUT /{collection}/{id}/tags); answers the tags it now has. */
export const putTags = (api: ServiceApi, collection: string, id: string, wanted: ReadonlyArray<string>) =>
  api
    .json({ method: "PUT", path: `${collection}/${segment(id)}/tags`, json: { tags: wanted } }, TagsBody)
    .pipe(Effect.map((body) => body.tags))

/**
 * Replaces a just-created resource's tags (PUT /{collection}/{id}/tags). If that fails, the resource is
 * deleted again so that nothing untagged (and so unfindable by tag) is left behind.
 */
export const tagCreated = <A extends { readonly id: string; readonly tags: ReadonlyArray<string> }>(
  api: ServiceApi,
  collection: string,
  created: A,
  wanted: ReadonlyArray<string> | undefined,
  remove: (id: string) => Effect.Effect<void, OpenStackError, Session>
): Effect.Effect<A, OpenStackError, Session> =>
  wanted === undefined || wanted.length === 0
    ? Effect.succeed(created)
    : putTags(api, collection, created.id, wanted).pipe(
        Effect.map((tags) => ({ ...created, tags })),
        Effect.tapError(() => Effect.ignore(remove(created.id)))
      )
