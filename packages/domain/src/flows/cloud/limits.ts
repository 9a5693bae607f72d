/** The project's block-storage limits, as the flows that make volumes or snapshots check them first. */
import { Cinder } from "@enamel/openstack-clients"
import { Effect } from "effect"

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
