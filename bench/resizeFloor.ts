/**
 * The floor of the resize part (bench/resize.ts): the plumbing calls on the critical path of Enamel's
 * `server.resize`, directly with plain fetch and alice's token at compute microversion 2.93 (what Enamel's
 * clients negotiate with the dev cloud), in order: Nova `POST /servers/{id}/action` `resize` → poll the
 * server every 0.2 s until VERIFY_RESIZE with no task state → `confirmResize` → poll until it is ACTIVE on
 * the new flavor with no task state (after the confirm's 204 Nova still shows VERIFY_RESIZE until the
 * compute host has confirmed; see devcloud/README.md "Resize"). The flavor's id is found before the clock
 * starts: Enamel finds it, and the server's state, inside its time (admission and `checkRequest`), and that
 * is Enamel's own work, not the plumbing's.
 */
import { call, type Login, pollUntil } from "./support/cloud.js"
import type { Server } from "./support/resources.js"

/** The compute microversion the floors speak, as Enamel's clients do with the dev cloud. */
export const COMPUTE_MICROVERSION = { "openstack-api-version": "compute 2.93" }

/** The flavors' ids by name, as alice sees them (read before the clock). */
export const flavorIds = async (who: Login): Promise<Record<string, string>> => {
  const { flavors } = await call<{ flavors: ReadonlyArray<{ id: string; name: string }> }>(
    who,
    "compute",
    "GET",
    "/flavors"
  )
  return Object.fromEntries(flavors.map((f) => [f.name, f.id]))
}

const computeServer = (who: Login, serverId: string) =>
  call<{ server: Server }>(
    who,
    "compute",
    "GET",
    `/servers/${serverId}`,
    undefined,
    COMPUTE_MICROVERSION
  ).then((s) => s.server)

/** No task under way and in `status`. */
const settledIn = (status: string) => (s: Server) =>
  s.status === status && (s["OS-EXT-STS:task_state"] ?? null) === null

/** The server's flavor name, as Nova shows it since 2.47. */
export const flavorNameOf = async (who: Login, serverId: string) =>
  (await computeServer(who, serverId)).flavor?.original_name ?? ""

/** One resize of the server to `flavor` (name), confirmed, as the floor makes it. Returns the seconds. */
export const floorResize = async (
  who: Login,
  serverId: string,
  flavor: { readonly id: string; readonly name: string }
): Promise<number> => {
  const action = (body: unknown) =>
    call(who, "compute", "POST", `/servers/${serverId}/action`, body, COMPUTE_MICROVERSION)
  const failed = (s: Server) => s.status === "ERROR"
  const started = performance.now()
  await action({ resize: { flavorRef: flavor.id } })
  await pollUntil(() => computeServer(who, serverId), settledIn("VERIFY_RESIZE"), failed)
  await action({ confirmResize: null })
  await pollUntil(
    () => computeServer(who, serverId),
    (s) => settledIn("ACTIVE")(s) && s.flavor?.original_name === flavor.name,
    failed
  )
  return (performance.now() - started) / 1000
}
