import type { Snapshot } from "@enamel/openstack-clients"
import { Array as Arr, Effect } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { blockStorageLimits, overQuota } from "../cloud/limits.js"
import { snapshotOrProblem } from "../cloud/snapshots.js"
import { combineFailures, problem } from "./errors.js"
import { type Boot, Plan } from "./plan.js"
import { checkServerQuotas } from "./quotaNeeds.js"
import type { CreateServersRequest, CreateServersRequestV2 } from "./request.js"
import { type ResolveNic, resolveNetworkOrDefault, resolvePartsWith, resolvingNames } from "./resolveParts.js"

/**
 * What the servers boot from. The request's own check (image or boot_volume.snapshot, exactly one;
 * size_gb unless a snapshot) leaves no other case; the problem names it should that check change.
 */
const bootOf = (
  request: Pick<CreateServersRequest, "boot_volume">,
  imageId: string | undefined,
  snapshot: Snapshot | undefined,
  volumeTypeId: string | undefined
): Effect.Effect<Boot, ReturnType<typeof problem>> => {
  const asked = request.boot_volume
  if (asked === undefined) {
    return imageId === undefined
      ? Effect.fail(problem("no image to boot from"))
      : Effect.succeed({ _tag: "image", image_id: imageId })
  }
  const source =
    snapshot !== undefined
      ? ({ _tag: "snapshot", snapshot_id: snapshot.id } as const)
      : imageId === undefined
        ? undefined
        : ({ _tag: "image", image_id: imageId } as const)
  const sizeGb = asked.size_gb ?? snapshot?.size
  if (source === undefined || sizeGb === undefined) {
    return Effect.fail(problem("the boot volume needs an image and size_gb, or a snapshot"))
  }
  return Effect.succeed({
    _tag: "volume",
    source,
    size_gb: sizeGb,
    volume_type_id: volumeTypeId,
    delete_on_termination: asked.delete_on_termination
  })
}

/** The request of version 2 or later, as `planRequest` reads it. */
type PlannedRequest = CreateServersRequest | CreateServersRequestV2

/**
 * Resolves everything the request names (the image or the boot volume's snapshot, flavor, volume type,
 * networks, ports, security groups, external networks, keypair) and fails with every problem at once,
 * before anything is created. A snapshot must be the caller's, available and no larger than `size_gb`.
 * Names the NameCache holds are taken from it and listed in the plan, for `confirmNames` to check while
 * the servers are being made (ports, keypairs and snapshots, whose state matters, are always asked for).
 * Then Cinder's quota (read alongside) must allow the boot volumes, one per server, so that none is made
 * when the last one could not be. Each NIC is planned by the version's `resolveNic`.
 */
export const planRequest = Effect.fn("ServerCreate.planRequest")(function* <N>(
  request: PlannedRequest,
  resolveNic: ResolveNic<N>
) {
  const image = request.image
  const snapshotId = request.boot_volume?.snapshot
  const { found, cachedNames } = yield* resolvingNames((resolve) =>
    Effect.all(
      {
        imageId: image === undefined ? Effect.succeed(undefined) : resolve("image", image),
        snapshot:
          snapshotId === undefined
            ? Effect.succeed(undefined)
            : snapshotOrProblem(snapshotId, request.boot_volume?.size_gb, problem),
        parts: resolvePartsWith(request, resolve, resolveNic),
        // Read alongside the names (not after them), for the boot volumes' quota.
        limits: request.boot_volume === undefined ? Effect.succeedNone : blockStorageLimits
      },
      { concurrency: "unbounded", mode: "validate" }
    ).pipe(Effect.mapError((errors) => combineFailures(Arr.getSomes(Object.values(errors)))))
  )
  const boot = yield* bootOf(request, found.imageId, found.snapshot, found.parts.volumeTypeId)
  if (boot._tag === "volume") {
    yield* overQuota(found.limits, request.count, request.count * boot.size_gb)
  }
  return {
    boot,
    flavor_id: found.parts.flavorId,
    networks: found.parts.networks,
    keypair: found.parts.keypair,
    cached_names: cachedNames
  }
})

/**
 * Version 3's: everything `planRequest` resolves, with `network: "auto"` planned as a NIC on the
 * project's default network (found or made by the flow's next stages, not looked up by name). Then the
 * project's quotas (Nova's, Cinder's, Neutron's) must allow all the servers (`quotaNeeds.ts`): a task
 * that cannot fit fails here, before anything is made, with `quota.exceeded`.
 */
export const resolveRequest = CloudStage.make({
  name: "resolveRequest",
  result: Plan,
  run: Effect.fn("ServerCreate.resolveRequest")(function* (request: CreateServersRequest) {
    const plan: Plan = yield* planRequest(request, resolveNetworkOrDefault)
    yield* checkServerQuotas(request, plan, { volumes: false })
    return plan
  })
})
