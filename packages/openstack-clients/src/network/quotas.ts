import { Effect, Record, Schema } from "effect"
import { OpenStackForbidden } from "../errors.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { sessionProjectId } from "./resources.js"

/** One of Neutron's quotas: its limit (-1: none), what the project uses and what is reserved. */
export const NetworkQuota = Schema.Struct({
  limit: Schema.Number,
  used: Schema.Number,
  reserved: Schema.optionalWith(Schema.Number, { default: () => 0 })
})
export type NetworkQuota = typeof NetworkQuota.Type

/** `GET /v2.0/quotas/{project_id}/details`: every resource's quota, by Neutron's name (`port`, `floatingip`, …). */
export type NetworkQuotas = Readonly<Record<string, NetworkQuota>>

const DetailsBody = Schema.Struct({
  quota: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})
const decodeQuota = Schema.decodeUnknownOption(NetworkQuota)

export const makeQuotaOperations = (api: ServiceApi) => {
  /**
   * The session's project's Neutron quotas with their use (`port`, `floatingip`, `network`, `subnet`,
   * `router`, …; entries that are not a quota, such as extensions' flags, are left out). Forbidden when the
   * cloud's policy does not let the project's members read them.
   */
  const getNetworkQuotas = Effect.fn("Neutron.getNetworkQuotas")(function* () {
    const projectId = yield* sessionProjectId
    if (projectId === undefined) {
      return yield* new OpenStackForbidden({
        service: "neutron",
        status: 403,
        message: "the session is not scoped to a project: it has no quotas"
      })
    }
    const body = yield* api.json({ method: "GET", path: `quotas/${segment(projectId)}/details` }, DetailsBody)
    return Record.filterMap(body.quota, (value) => decodeQuota(value)) satisfies NetworkQuotas
  })
  return { getNetworkQuotas }
}
