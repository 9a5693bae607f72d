/**
 * The project's quotas a request needs, read from the services that keep them and checked before anything
 * is made: by a dry run (`?dry_run=true`, a 409 when one has no room) and by a task's first stage (the
 * task fails there, in about a second). Nova's `GET /limits` (instances, cores, ram; key pairs are the
 * user's, counted from the list), Cinder's `GET /limits` (volumes, gigabytes, snapshots: `limits.ts`) and
 * Neutron's `GET /v2.0/quotas/{project}/details` (port, floatingip, network, subnet, router). A service
 * whose quotas the caller may not read is listed as unchecked, and its own refusal decides later.
 */
import { type Cinder, Neutron, Nova, type OpenStackError, type Session } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Option, Schema } from "effect"
import type { QuotaService, QuotaUnchecked, QuotaUse } from "../../contract/dryRun.js"
import { Conflict, type ServiceUnavailable } from "../../contract/errors.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { blockStorageLimits } from "./limits.js"
import { cloudUnavailable } from "./servers.js"

/** What a request adds to each quota (a quota left out, or 0, is not read). */
export interface QuotaNeeds {
  readonly instances?: number
  readonly cores?: number
  /** MiB */
  readonly ram?: number
  readonly key_pairs?: number
  readonly volumes?: number
  /** GiB */
  readonly gigabytes?: number
  readonly snapshots?: number
  readonly port?: number
  readonly floatingip?: number
  readonly network?: number
  readonly subnet?: number
  readonly router?: number
}

type QuotaName = keyof QuotaNeeds

const serviceOf: { readonly [Q in QuotaName]: QuotaService } = {
  instances: "compute",
  cores: "compute",
  ram: "compute",
  key_pairs: "compute",
  volumes: "volume",
  gigabytes: "volume",
  snapshots: "volume",
  port: "network",
  floatingip: "network",
  network: "network",
  subnet: "network",
  router: "network"
}

const quotaNames: ReadonlyArray<QuotaName> = [
  "instances",
  "cores",
  "ram",
  "key_pairs",
  "volumes",
  "gigabytes",
  "snapshots",
  "port",
  "floatingip",
  "network",
  "subnet",
  "router"
]

const units: Readonly<Record<string, string>> = { ram: " MiB", gigabytes: " GiB" }

/** The quotas a request needs, each with its room (`checkQuotas`' answer). */
export interface QuotaCheck {
  readonly quotas: ReadonlyArray<QuotaUse>
  readonly quotas_unchecked: ReadonlyArray<QuotaUnchecked>
}

/** A quota (or several) without room for what the request needs; nothing was made. */
export class QuotaExceeded extends Schema.TaggedError<QuotaExceeded>()(
  "QuotaExceeded",
  {
    exceeded: Schema.NonEmptyArray(
      Schema.Struct({
        service: Schema.String,
        quota: Schema.String,
        limit: Schema.Number,
        used: Schema.Number,
        needed: Schema.Number
      })
    )
  },
  { description: "The project's quotas do not allow what the request makes" }
) {
  readonly code = ErrorCode.quotaExceeded
  override get message(): string {
    const words = this.exceeded.map((q) => {
      const unit = units[q.quota] ?? ""
      return `${q.service} quota ${q.quota}: limit ${q.limit}${unit}, used ${q.used}${unit}, the request needs ${q.needed}${unit} more`
    })
    return `quota exceeded: ${words.join("; ")}; nothing was made`
  }
}

/** A service's quotas, or why they could not be read. */
type Read = Option.Option<
  Readonly<Partial<Record<QuotaName, { readonly limit: number; readonly used: number } | undefined>>>
>

const unreadable = (error: OpenStackError): Effect.Effect<Read, OpenStackError> =>
  error._tag === "OpenStackForbidden" || error._tag === "OpenStackNotFound"
    ? Effect.succeed(Option.none())
    : Effect.fail(error)

const readCompute = (needs: QuotaNeeds) =>
  Effect.gen(function* () {
    const limits = yield* Nova.getComputeLimits()
    const keyPairs = (needs.key_pairs ?? 0) > 0 ? (yield* Nova.listKeypairNames()).length : 0
    const read: Read = Option.some({
      instances: { limit: limits.maxTotalInstances, used: limits.totalInstancesUsed },
      cores: { limit: limits.maxTotalCores, used: limits.totalCoresUsed },
      ram: { limit: limits.maxTotalRAMSize, used: limits.totalRAMUsed },
      key_pairs: { limit: limits.maxTotalKeypairs, used: keyPairs }
    })
    return read
  }).pipe(Effect.catchAll(unreadable))

const readVolume = Effect.map(
  blockStorageLimits,
  (found): Read =>
    Option.map(found, (limits) => ({
      volumes: { limit: limits.maxTotalVolumes, used: limits.totalVolumesUsed },
      gigabytes: { limit: limits.maxTotalVolumeGigabytes, used: limits.totalGigabytesUsed },
      snapshots: { limit: limits.maxTotalSnapshots, used: limits.totalSnapshotsUsed }
    }))
)

const readNetwork = Neutron.getNetworkQuotas().pipe(
  Effect.map(
    (quotas): Read =>
      Option.some({
        port: quotas.port,
        floatingip: quotas.floatingip,
        network: quotas.network,
        subnet: quotas.subnet,
        router: quotas.router
      })
  ),
  Effect.catchAll(unreadable)
)

const unreadableReason: { readonly [S in QuotaService]: string } = {
  compute: "Nova's limits could not be read with the caller's token",
  volume: "Cinder's limits could not be read with the caller's token",
  network: "the cloud's policy does not let the caller read the project's Neutron quotas"
}

/**
 * Reads the quotas `needs` names (only the services it needs, at once) and fails with `QuotaExceeded`
 * naming each quota without room; otherwise answers each quota with its limit, use and need.
 */
export const checkQuotas = Effect.fn("Quotas.check")(function* (needs: QuotaNeeds) {
  const wanted = Arr.filterMap(quotaNames, (quota) => {
    const needed = needs[quota] ?? 0
    return needed > 0 ? Option.some([quota, needed] as const) : Option.none()
  })
  const services = Arr.dedupe(wanted.map(([quota]) => serviceOf[quota]))
  const readOf = (
    service: QuotaService
  ): Effect.Effect<Read, OpenStackError, Nova | Cinder | Neutron | Session> =>
    service === "compute" ? readCompute(needs) : service === "volume" ? readVolume : readNetwork
  const reads = yield* Effect.forEach(
    services,
    (service) => Effect.map(readOf(service), (read): readonly [QuotaService, Read] => [service, read]),
    { concurrency: "unbounded" }
  )
  const byService = new Map(reads)
  const quotas: Array<QuotaUse> = []
  for (const [quota, needed] of wanted) {
    const service = serviceOf[quota]
    const found = Option.flatten(Option.fromNullable(byService.get(service)))
    const current = Option.flatMapNullable(found, (read) => read[quota])
    if (Option.isSome(current)) {
      quotas.push({ service, quota, limit: current.value.limit, used: current.value.used, needed })
    }
  }
  const quotas_unchecked: Array<QuotaUnchecked> = reads
    .filter(([, read]) => Option.isNone(read))
    .map(([service]) => ({ service, reason: unreadableReason[service] }))
  const exceeded = quotas.filter((q) => q.limit >= 0 && q.used + q.needed > q.limit)
  if (Arr.isNonEmptyArray(exceeded)) return yield* new QuotaExceeded({ exceeded })
  const check: QuotaCheck = { quotas, quotas_unchecked }
  return check
})

/** For a dry run or an admission: `QuotaExceeded` is a 409, a cloud that cannot answer a 503. */
export const quotaRefusal = (error: QuotaExceeded | OpenStackError): Conflict | ServiceUnavailable =>
  error._tag === "QuotaExceeded"
    ? new Conflict({ code: error.code, detail: error.message })
    : cloudUnavailable("the project's quotas", error)
