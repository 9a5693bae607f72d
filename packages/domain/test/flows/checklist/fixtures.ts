/** What the checklist tests share: the request they make servers with, and deleting servers again. */
import { ServerCreate, ServerDelete } from "@enamel/domain/flows"
import type { CloudCall } from "@enamel/openstack-clients/testing"
import { Effect, Schema } from "effect"
import type { CloudShape } from "./cloudShape.js"
import { runToEnd, succeeded, type World } from "./harness.js"

export const publicKey =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDG0pQ6W3y2Bqkq3l6Yxw0ZQf7m6k3cQ2wQ9hW2mJk8E alice@laptop"

/**
 * Two servers `web-1` and `web-2`, each booted from a 1 GiB volume of `tiny`, with a port on `private`
 * (default security group, a floating IP from `public`) and a port on `backend`, and alice's key imported.
 */
export const createRequest = (bootVolume: { readonly delete_on_termination?: boolean } = {}) =>
  Schema.decodeUnknownSync(ServerCreate.CreateServersRequest)({
    name: "web",
    count: 2,
    image: "tiny",
    flavor: "m1.tiny",
    boot_volume: { size_gb: 1, ...bootVolume },
    networks: [
      { network: "private", security_groups: ["default"], floating_ip: { network: "public" } },
      { network: "backend" }
    ],
    keypair: { name: "alice-key", public_key: publicKey }
  })

/** The calls that carry a stage's own token (in a name, tag, description or metadata). */
export const carries =
  (taskId: string, path: string) =>
  (call: CloudCall): boolean =>
    call.bodyText.includes(`enamel-${taskId}-${path}`)

/** Deletes the servers with `server.delete`, each as its own task (all at once), which must succeed. */
export const deleteServers = (world: World, ids: ReadonlyArray<string>) =>
  Effect.forEach(
    ids,
    (id) =>
      Effect.flatMap(
        runToEnd(world, ServerDelete.flow, { taskId: crypto.randomUUID(), params: { server_id: id } }),
        succeeded
      ),
    { concurrency: "unbounded" }
  )

/** What alice's project holds once `createRequest`'s servers (some of them) are built; `<task>` is the task. */
export const built = (servers: ReadonlyArray<1 | 2>): CloudShape => ({
  servers: servers.map(
    (n) =>
      `web-${n} ACTIVE ports=web-${n}-port0,web-${n}-port1 volumes=web-${n}-boot key=alice-key ` +
      `tags=enamel_task=<task> metadata=enamel_token=enamel-<task>-server[${n - 1}]/bootServer`
  ),
  volumes: servers.map(
    (n) =>
      `web-${n}-boot in-use attached=web-${n} ` +
      `metadata=enamel_task=<task>,enamel_token=enamel-<task>-server[${n - 1}]/createBootVolume`
  ),
  ports: servers.flatMap((n) =>
    ["private", "backend"].map(
      (network, i) =>
        `web-${n}-port${i} ${network} ACTIVE on=web-${n} ips=1 ` +
        `tags=enamel_task=<task>,enamel_token=enamel-<task>-server[${n - 1}]/network[${i}]/createPort`
    )
  ),
  floatingIps: servers.map((n) => {
    const token = `enamel-<task>-server[${n - 1}]/network[0]/createFloatingIp`
    return `on=web-${n}-port0 tags=enamel_task=<task>,enamel_token=${token} description=${token}`
  }),
  keypairs: ["alice-key (alice)"]
})
