/** The project's block-storage limits, as the flows that make volumes or snapshots check them first. */
import { type BlockStorageLimits, Cinder } from "@enamel/openstack-clients"
import { Array as Arr, Effect, Option, Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/**
 * Cinder's limits and what the project uses of them; none when the caller may not read them (the check
 * is then left to Cinder's own refusal).
 */
export const blockStorageLimits = Cinder.getLimits().pipe(
  Effect.asSome,
  Effect.catchTags({
    OpenStackForbidden: () => Effect.succeedNone,
    OpenStackNotFound: () => Effect.succeedNone
  })
)

/** Whether `needed` more of a quota (-1: none) goes over it. */
export const exceeds = (limit: number, used: number, needed: number): boolean =>
  limit >= 0 && used + needed > limit

/** The project's Cinder quota does not allow the new volumes a task makes. */
export class VolumeOverQuota extends Schema.TaggedError<VolumeOverQuota>()(
  "VolumeOverQuota",
  {
    quota: Schema.Literal("volumes", "gigabytes"),
    limit: Schema.Number,
    used: Schema.Number,
    needed: Schema.Number
  },
  { description: "The project's quota does not allow the new volumes" }
) {
  readonly code = ErrorCode.volumeOverQuota
  override get message(): string {
    const left = Math.max(this.limit - this.used, 0)
    const [asked, of] =
      this.quota === "volumes"
        ? [
            `${this.needed} new volume${this.needed === 1 ? "" : "s"}`,
            `${left} left (it uses ${this.used} of its ${this.limit})`
          ]
        : [
            `${this.needed} GiB of new volumes`,
            `${left} GiB left (it uses ${this.used} of its ${this.limit} GiB)`
          ]
    return `quota ${this.quota} exceeded: the request makes ${asked} and the project has ${of}; nothing was made`
  }
}

/** The quota with no room for new volumes: its limit, what the project uses, and what was asked. */
export interface VolumeShortfall {
  readonly quota: "volumes" | "gigabytes"
  readonly limit: number
  readonly used: number
  readonly needed: number
}

/**
 * The first of the project's volume and gigabyte quotas (-1: none) with no room for `count` new volumes
 * of `gigabytes` GiB in all; none when both have room, or when the limits could not be read (the check
 * is then left to Cinder).
 */
export const shortfallOf = (
  found: Option.Option<BlockStorageLimits>,
  count: number,
  gigabytes: number
): Option.Option<VolumeShortfall> =>
  Option.flatMap(found, (limits) =>
    Arr.findFirst(
      [
        { quota: "volumes", limit: limits.maxTotalVolumes, used: limits.totalVolumesUsed, needed: count },
        {
          quota: "gigabytes",
          limit: limits.maxTotalVolumeGigabytes,
          used: limits.totalGigabytesUsed,
          needed: gigabytes
        }
      ] satisfies ReadonlyArray<VolumeShortfall>,
      (q) => exceeds(q.limit, q.used, q.needed)
    )
  )

/** `shortfallOf` the project's limits as Cinder reports them now. */
export const volumeShortfall = (count: number, gigabytes: number) =>
  Effect.map(blockStorageLimits, (found) => shortfallOf(found, count, gigabytes))

/** `VolumeOverQuota` when `shortfallOf` finds a quota with no room. */
export const overQuota = (
  found: Option.Option<BlockStorageLimits>,
  count: number,
  gigabytes: number
): Effect.Effect<void, VolumeOverQuota> =>
  Option.match(shortfallOf(found, count, gigabytes), {
    onNone: () => Effect.void,
    onSome: (shortfall) => Effect.fail(new VolumeOverQuota(shortfall))
  })
