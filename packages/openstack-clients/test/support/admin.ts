/**
 * What integration tests need the cloud admin for: throw-away projects with tiny quotas, a flavor no host
 * can take, a volume type no backend can take, a network with few addresses. Everything created is removed
 * when the test's scope closes.
 */
import {
  Credentials,
  cinderMicroversions,
  novaMicroversions,
  Session,
  Sessions
} from "@enamel/openstack-clients"
import { Effect, Redacted, Schema } from "effect"
import { makeServiceApi } from "../../src/http/ServiceApi.js"
import { type CloudProfile, cloudProfile, sessionOptions, uniqueName } from "./cloud.js"

const Id = Schema.Struct({ id: Schema.String })
const CreatedProject = Schema.Struct({ project: Id })
const CreatedUser = Schema.Struct({ user: Id })
const CreatedFlavor = Schema.Struct({ flavor: Id })
const Roles = Schema.Struct({
  roles: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String }))
})
const SecurityGroups = Schema.Struct({ security_groups: Schema.Array(Schema.Struct({ id: Schema.String })) })

export interface TinyQuotas {
  readonly instances?: number
  readonly volumes?: number
  readonly ports?: number
}

export class Admin extends Effect.Service<Admin>()("test/Admin", {
  scoped: Effect.gen(function* () {
    const profile = yield* cloudProfile("admin")
    const session = yield* Sessions.make(sessionOptions(profile))
    const keystone = yield* makeServiceApi({ name: "keystone", type: "identity" })
    const nova = yield* makeServiceApi({ name: "nova", type: "compute", microversions: novaMicroversions })
    const cinder = yield* makeServiceApi({
      name: "cinder",
      type: "volumev3",
      microversions: cinderMicroversions
    })
    const neutron = yield* makeServiceApi({ name: "neutron", type: "network", pathPrefix: "v2.0" })
    const asAdmin = <A, E>(effect: Effect.Effect<A, E, Session>) =>
      Effect.provideService(effect, Session, session)
    const removing = <E>(what: string, effect: Effect.Effect<void, E, Session>) =>
      asAdmin(effect).pipe(
        Effect.catchAll((error) => Effect.logWarning(`test cleanup: could not remove ${what}`, error))
      )

    /** A new project with one member user; both deleted (with their quotas) when the scope closes. */
    const throwawayProject = Effect.acquireRelease(
      asAdmin(
        Effect.gen(function* () {
          const name = uniqueName("quota")
          const password = crypto.randomUUID()
          const project = yield* keystone.json(
            {
              method: "POST",
              path: "projects",
              json: { project: { name, domain_id: "default", description: "enamel integration test" } }
            },
            CreatedProject
          )
          const projectId = project.project.id
          const user = yield* keystone.json(
            {
              method: "POST",
              path: "users",
              json: { user: { name, password, domain_id: "default", default_project_id: projectId } }
            },
            CreatedUser
          )
          const roles = yield* keystone.json(
            { method: "GET", path: "roles", query: { name: "member" } },
            Roles
          )
          const member = roles.roles[0]
          if (member === undefined) return yield* Effect.dieMessage("no member role in the dev cloud")
          yield* keystone.discard({
            method: "PUT",
            path: `projects/${projectId}/users/${user.user.id}/roles/${member.id}`
          })
          const member_: CloudProfile = {
            ...profile,
            name,
            username: name,
            projectName: name,
            credentials: Credentials.Password({
              user: { name, domainName: "Default" },
              password: Redacted.make(password),
              project: { id: projectId }
            })
          }
          return { projectId, userId: user.user.id, profile: member_ }
        })
      ),
      ({ projectId, userId }) =>
        Effect.gen(function* () {
          yield* removing(
            "security groups",
            Effect.gen(function* () {
              const groups = yield* neutron.json(
                { method: "GET", path: "security-groups", query: { project_id: projectId } },
                SecurityGroups
              )
              for (const group of groups.security_groups) {
                yield* neutron.discard({ method: "DELETE", path: `security-groups/${group.id}` })
              }
            })
          )
          yield* removing(
            "nova quotas",
            nova.discard({ method: "DELETE", path: `os-quota-sets/${projectId}` })
          )
          yield* removing(
            "cinder quotas",
            cinder.discard({ method: "DELETE", path: `os-quota-sets/${projectId}` })
          )
          yield* removing(
            "neutron quotas",
            neutron.discard({ method: "DELETE", path: `quotas/${projectId}` })
          )
          yield* removing("user", keystone.discard({ method: "DELETE", path: `users/${userId}` }))
          yield* removing("project", keystone.discard({ method: "DELETE", path: `projects/${projectId}` }))
        })
    )

    const setQuotas = (projectId: string, quotas: TinyQuotas) =>
      asAdmin(
        Effect.all(
          [
            quotas.instances === undefined
              ? Effect.void
              : nova.discard({
                  method: "PUT",
                  path: `os-quota-sets/${projectId}`,
                  json: { quota_set: { instances: quotas.instances } }
                }),
            quotas.volumes === undefined
              ? Effect.void
              : cinder.discard({
                  method: "PUT",
                  path: `os-quota-sets/${projectId}`,
                  json: { quota_set: { volumes: quotas.volumes } }
                }),
            quotas.ports === undefined
              ? Effect.void
              : neutron.discard({
                  method: "PUT",
                  path: `quotas/${projectId}`,
                  json: { quota: { port: quotas.ports } }
                })
          ],
          { discard: true }
        )
      )

    /** A public flavor with `disk` GiB of root disk (e.g. more than any host has); deleted after. */
    const flavor = (spec: { readonly disk: number }) =>
      Effect.acquireRelease(
        asAdmin(
          nova.json(
            {
              method: "POST",
              path: "flavors",
              json: {
                flavor: {
                  name: uniqueName("flavor"),
                  ram: 64,
                  vcpus: 1,
                  disk: spec.disk,
                  "os-flavor-access:is_public": true
                }
              }
            },
            CreatedFlavor
          )
        ).pipe(Effect.map((body) => body.flavor.id)),
        (id) => removing(`flavor ${id}`, nova.discard({ method: "DELETE", path: `flavors/${id}` }))
      )

    /** A public volume type with these extra specs (e.g. a backend that does not exist); deleted after. */
    const volumeType = (extraSpecs: Readonly<Record<string, string>>) =>
      Effect.acquireRelease(
        asAdmin(
          cinder.json(
            {
              method: "POST",
              path: "types",
              json: { volume_type: { name: uniqueName("type"), extra_specs: extraSpecs } }
            },
            Schema.Struct({ volume_type: Schema.Struct({ id: Schema.String, name: Schema.String }) })
          )
        ).pipe(Effect.map((body) => body.volume_type)),
        (type) =>
          removing(`volume type ${type.id}`, cinder.discard({ method: "DELETE", path: `types/${type.id}` }))
      )

    /**
     * A network of the project with one IPv4 subnet whose allocation pool is `first`…`last` (e.g. one
     * address, to run out of them); deleted after (Neutron refuses while ports remain on it).
     */
    const network = (
      projectId: string,
      spec: { readonly cidr: string; readonly first: string; readonly last: string }
    ) =>
      Effect.acquireRelease(
        asAdmin(
          Effect.gen(function* () {
            const name = uniqueName("net")
            const created = yield* neutron.json(
              { method: "POST", path: "networks", json: { network: { name, project_id: projectId } } },
              Schema.Struct({ network: Id })
            )
            yield* neutron.discard({
              method: "POST",
              path: "subnets",
              json: {
                subnet: {
                  name: `${name}-subnet`,
                  network_id: created.network.id,
                  project_id: projectId,
                  ip_version: 4,
                  cidr: spec.cidr,
                  enable_dhcp: false,
                  allocation_pools: [{ start: spec.first, end: spec.last }]
                }
              }
            })
            return { id: created.network.id, name }
          })
        ),
        (created) =>
          removing(
            `network ${created.id}`,
            neutron.discard({ method: "DELETE", path: `networks/${created.id}` })
          )
      )

    return { profile, throwawayProject, setQuotas, flavor, volumeType, network }
  })
}) {}
