import { Cinder, Neutron, Nova } from "@enamel/openstack-clients"
import { Effect, Schema } from "effect"
import * as CloudStage from "../cloud/CloudStage.js"
import { scopeOfToken, taskKey, taskOfTags, taskTag, tokenKey, tokenOfTags } from "../cloud/marks.js"
import { ServerNotFound } from "./errors.js"

/** The server and what Enamel made for it. */
export const ServerResources = Schema.Struct({
  server_id: Schema.String,
  floating_ip_ids: Schema.Array(Schema.String),
  port_ids: Schema.Array(Schema.String),
  volume_ids: Schema.Array(Schema.String)
})
export type ServerResources = typeof ServerResources.Type

/**
 * Finds the server and, through the marks Enamel left, what was made for it: the server carries its
 * task (tag) and its stage's token (metadata); everything made for the same server of the same task has
 * a token under the same scope (`enamel-<task>-server[1]/…`). Resources without those marks, such as a
 * port the user brought, are not Enamel's to delete. A server Enamel did not make is deleted alone.
 */
export const findServerResources = CloudStage.make({
  name: "findServerResources",
  result: ServerResources,
  run: Effect.fn("ServerDelete.findServerResources")(function* (serverId: string) {
    const server = yield* Nova.getServer(serverId).pipe(
      Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
    )
    const taskId = taskOfTags(server.tags)
    const token = server.metadata[tokenKey]
    if (taskId === undefined || token === undefined) {
      return { server_id: server.id, floating_ip_ids: [], port_ids: [], volume_ids: [] }
    }
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
      server_id: server.id,
      floating_ip_ids: ips.filter((ip) => made(tokenOfTags(ip.tags))).map((ip) => ip.id),
      port_ids: ports.filter((port) => made(tokenOfTags(port.tags))).map((port) => port.id),
      volume_ids: volumes.filter((volume) => made(volume.metadata[tokenKey])).map((volume) => volume.id)
    }
  })
})
