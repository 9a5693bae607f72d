import { Effect, Option, Schema } from "effect"
import { findByNameOrId } from "../http/lookup.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { isUuidLike, segment } from "../http/url.js"
import { neutron, projectId, sessionProjectId, tags } from "./resources.js"

export const SecurityGroup = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  projectId,
  tags
})
export type SecurityGroup = typeof SecurityGroup.Type

const SecurityGroupBody = Schema.Struct({ security_group: SecurityGroup })
const SecurityGroupsPage = Schema.Struct({
  security_groups: Schema.Array(SecurityGroup),
  security_groups_links: Schema.optional(Links)
})

export const makeSecurityGroupOperations = (api: ServiceApi) => {
  const getSecurityGroup = Effect.fn("Neutron.getSecurityGroup")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: `security-groups/${segment(id)}` }, SecurityGroupBody))
      .security_group
  })

  const listSecurityGroups = Effect.fn("Neutron.listSecurityGroups")(function* (
    filter: { readonly name?: string; readonly projectId?: string; readonly pageSize?: number } = {}
  ) {
    return yield* collectPages(
      api,
      {
        method: "GET",
        path: "security-groups",
        query: { name: filter.name, project_id: filter.projectId, limit: filter.pageSize }
      },
      {
        schema: SecurityGroupsPage,
        items: (page) => page.security_groups,
        next: (page) => nextLink(page.security_groups_links)
      }
    )
  })

  /** The group with this id, or else the only one with this name (the session's project's first). */
  const findSecurityGroup = Effect.fn("Neutron.findSecurityGroup")(function* (nameOrId: string) {
    const ownProject = yield* sessionProjectId
    return yield* findByNameOrId({
      service: neutron,
      resource: "security group",
      nameOrId,
      byId: isUuidLike(nameOrId) ? Option.some(getSecurityGroup(nameOrId)) : Option.none(),
      byName: listSecurityGroups({ name: nameOrId }),
      prefer: (group) => group.projectId === ownProject
    })
  })

  return { getSecurityGroup, listSecurityGroups, findSecurityGroup }
}
