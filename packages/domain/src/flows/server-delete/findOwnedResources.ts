import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Array as Arr, Effect } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import {
  scopeOfToken,
  serverKey,
  serverTag,
  taskKey,
  taskOfTags,
  taskTag,
  tokenKey,
  tokenOfTags
} from "../cloud/marks.js"
import { ServerNotFound } from "./errors.js"
import { ServerResources } from "./findServerResources.js"

/** What `server.create` made for the server: found through the server's own marks (none if Enamel did not make it). */
const madeAtBoot = (taskId: string | undefined, token: string | undefined) =>
  Effect.gen(function* () {
    if (taskId === undefined || token === undefined) return { floatingIps: [], ports: [], volumes: [] }
    const scope = scopeOfToken(token)
    const made = (resourceToken: string | undefined) => resourceToken?.startsWith(scope) === true
    const [ips, ports, volumes] = yield* Effect.all(
      [
        Neutron.listFloatingIps({ tags: [taskTag(taskId)] }),
        Neutron.listPorts({ tags: [taskTag(taskId)] }),
        Cinder.listVolumes({ metadata: { [taskKey]: taskId } })
      ],
      { concurrency: "unbounded" }
    )
    return {
      floatingIps: ips.filter((ip) => made(tokenOfTags(ip.tags))).map((ip) => ip.id),
      ports: ports.filter((port) => made(tokenOfTags(port.tags))).map((port) => port.id),
      volumes: volumes.filter((volume) => made(volume.metadata[tokenKey])).map((volume) => volume.id)
    }
  })

/** What later tasks made for the server and attached to it: found by the server mark (`enamel_server`). */
const madeSince = (serverId: string) =>
  Effect.gen(function* () {
    const [ips, ports, volumes] = yield* Effect.all(
      [
        Neutron.listFloatingIps({ tags: [serverTag(serverId)] }),
        Neutron.listPorts({ tags: [serverTag(serverId)] }),
        Cinder.listVolumes({ metadata: { [serverKey]: serverId } })
      ],
      { concurrency: "unbounded" }
    )
    // Only what also carries a task and a token: Enamel's own, never a mark a user copied by hand.
    const enamels = (tags: ReadonlyArray<string>) =>
      taskOfTags(tags) !== undefined && tokenOfTags(tags) !== undefined
    return {
      floatingIps: ips.filter((ip) => enamels(ip.tags)).map((ip) => ip.id),
      ports: ports.filter((port) => enamels(port.tags)).map((port) => port.id),
      volumes: volumes
        .filter((volume) => volume.metadata[taskKey] !== undefined && volume.metadata[tokenKey] !== undefined)
        .map((volume) => volume.id)
    }
  })

/** The server and everything Enamel made for it over its life (see `findOwnedResources`). Changes nothing. */
export const ownedResources = Effect.fn("ServerDelete.ownedResources")(function* (serverId: string) {
  const server = yield* Nova.getServer(serverId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
  )
  const [atBoot, since] = yield* Effect.all(
    [madeAtBoot(taskOfTags(server.tags), server.metadata[tokenKey]), madeSince(server.id)],
    { concurrency: "unbounded" }
  )
  return {
    server_id: server.id,
    floating_ip_ids: Arr.dedupe([...atBoot.floatingIps, ...since.floatingIps]),
    port_ids: Arr.dedupe([...atBoot.ports, ...since.ports]),
    volume_ids: Arr.dedupe([...atBoot.volumes, ...since.volumes])
  }
})

/**
 * Finds the server and everything Enamel made for it over its life: what `server.create` made with it
 * (through the server's task tag and token scope) and what attach tasks made for it since (through the
 * server mark on each). Resources with neither, such as a volume or port the user brought, are not
 * Enamel's to delete. Version 3's; version 2's `findServerResources` finds only the first kind.
 */
export const findOwnedResources = CloudStage.make({
  name: "findOwnedResources",
  result: ServerResources,
  run: Effect.fn("ServerDelete.findOwnedResources")(function* (serverId: string) {
    return yield* ownedResources(serverId)
  })
})
