/**
 * `GET /servers/{id}`: a porcelain read, no task and nothing stored. The server read live with the
 * caller's own session from Nova (server, flavor, volume attachments), Cinder (volumes), Neutron (ports,
 * security groups, floating IPs) and Glance (image), in one answer, with, for each resource, the task
 * that made it (from Enamel's marks in the cloud) or null.
 */
import { Cinder, Glance, Neutron, Nova, type Server } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import {
  madeForServer,
  madeForServerByTags,
  scopeOfToken,
  taskKey,
  taskOfTags,
  tokenKey
} from "../cloud/marks.js"
import { orNone } from "../cloud/orNone.js"
import { ServerNotFound } from "../cloud/serverErrors.js"
import { isBootDevice } from "../cloud/servers.js"
import type { ServerView } from "./view.js"

/** The task that made a volume for the server: at its boot (its task and token scope) or since (the server mark). */
const volumeTask = (server: Server, metadata: Readonly<Record<string, string>>): string | null => {
  const task = metadata[taskKey]
  const token = metadata[tokenKey]
  if (task === undefined || token === undefined) return null
  if (madeForServer(metadata, server.id)) return task
  const serverToken = server.metadata[tokenKey]
  return serverToken !== undefined &&
    taskOfTags(server.tags) === task &&
    token.startsWith(scopeOfToken(serverToken))
    ? task
    : null
}

const neutronTask = (server: Server, tags: ReadonlyArray<string>): string | null =>
  madeForServerByTags(server, tags) ? (taskOfTags(tags) ?? null) : null

const flavorOf = (server: Server) => {
  const asked = server.flavor?.id ?? server.flavor?.originalName
  if (asked === undefined) return Effect.succeed({ id: null, name: null })
  return Effect.map(orNone(Nova.findFlavor(asked)), (found) =>
    Option.match(found, {
      onNone: () => ({ id: server.flavor?.id ?? null, name: server.flavor?.originalName ?? null }),
      onSome: (flavor) => ({ id: flavor.id, name: flavor.name })
    })
  )
}

const imageOf = (server: Server) => {
  const image = server.image
  if (image === "") return Effect.succeed(null)
  return Effect.map(orNone(Glance.getImage(image.id)), (found) => ({
    id: image.id,
    name: Option.match(found, { onNone: () => null, onSome: (i) => i.name })
  }))
}

const volumesOf = (server: Server) =>
  Effect.flatMap(Nova.listVolumeAttachments(server.id), (attachments) =>
    Effect.forEach(
      attachments,
      (attachment) =>
        Effect.map(orNone(Cinder.getVolume(attachment.volumeId)), (volume) => ({
          id: attachment.volumeId,
          device: attachment.device,
          size_gb: Option.match(volume, { onNone: () => 0, onSome: (v) => v.size }),
          boot: isBootDevice(server, attachment.device),
          task_id: Option.match(volume, { onNone: () => null, onSome: (v) => volumeTask(server, v.metadata) })
        })),
      { concurrency: "unbounded" }
    )
  )

const portsOf = (server: Server) =>
  Effect.gen(function* () {
    const [ports, groups] = yield* Effect.all(
      [Neutron.listPorts({ deviceId: server.id }), Neutron.listSecurityGroups()],
      { concurrency: "unbounded" }
    )
    const groupName = new Map(groups.map((group) => [group.id, group.name]))
    return yield* Effect.forEach(
      ports,
      (port) =>
        Effect.map(Neutron.listFloatingIps({ portId: port.id }), (ips) => ({
          id: port.id,
          network_id: port.networkId,
          fixed_ips: port.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
          security_groups: port.securityGroups.map((id) => groupName.get(id) ?? id),
          floating_ips: ips.map((ip) => ({
            id: ip.id,
            address: ip.floatingIpAddress,
            task_id: neutronTask(server, ip.tags)
          })),
          task_id: neutronTask(server, port.tags)
        })),
      { concurrency: "unbounded" }
    )
  })

/** The server as `GET /servers/{id}` shows it; ServerNotFound when the caller cannot see it. */
export const readServer = Effect.fn("ServerShow.readServer")(function* (serverId: string) {
  const server = yield* Nova.getServer(serverId).pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.fail(new ServerNotFound({ serverId })))
  )
  const [flavor, image, volumes, ports] = yield* Effect.all(
    [flavorOf(server), imageOf(server), volumesOf(server), portsOf(server)],
    { concurrency: "unbounded" }
  )
  const view: ServerView = {
    id: server.id,
    name: server.name,
    status: server.status,
    flavor,
    image,
    volumes,
    ports
  }
  return view
})
