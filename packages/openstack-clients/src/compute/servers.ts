import { Effect, Encoding, Option, Schema } from "effect"
import { OpenStackNotFound, OpenStackResourceFailed } from "../errors.js"
import { collectPages, Links, nextLink } from "../http/pagination.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"
import { optionalIfNotFound, type WaitOptions, waitFor } from "../wait.js"

const nova = "nova"

/** Why a server is in ERROR, as Nova tells it. */
export const ServerFault = Schema.Struct({
  code: Schema.optional(Schema.Number),
  message: Schema.String,
  details: Schema.optional(Schema.String)
})
export type ServerFault = typeof ServerFault.Type

export const ServerAddress = Schema.Struct({
  addr: Schema.String,
  version: Schema.Number,
  type: Schema.optional(Schema.String).pipe(Schema.fromKey("OS-EXT-IPS:type"))
})

export const Server = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  taskState: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("OS-EXT-STS:task_state")
  ),
  fault: Schema.optional(ServerFault),
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
    default: () => ({})
  }),
  tags: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  addresses: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Array(ServerAddress) }), {
    default: () => ({})
  }),
  /** Its flavor: by name since microversion 2.47 (`original_name`), by id before. */
  flavor: Schema.optional(
    Schema.Struct({
      id: Schema.optional(Schema.String),
      originalName: Schema.optional(Schema.String).pipe(Schema.fromKey("original_name"))
    })
  ),
  /** The image it was booted from; `""` for a server booted from a volume. */
  image: Schema.optionalWith(Schema.Union(Schema.Literal(""), Schema.Struct({ id: Schema.String })), {
    default: () => ""
  }),
  keyName: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }).pipe(
    Schema.fromKey("key_name")
  ),
  availabilityZone: Schema.optional(Schema.String).pipe(Schema.fromKey("OS-EXT-AZ:availability_zone")),
  volumesAttached: Schema.optionalWith(
    Schema.Array(
      Schema.Struct({
        id: Schema.String,
        /** Whether Nova deletes the volume with the server (2.3+). */
        deleteOnTermination: Schema.optionalWith(Schema.Boolean, { default: () => false }).pipe(
          Schema.fromKey("delete_on_termination")
        )
      })
    ),
    { default: () => [] }
  ).pipe(Schema.fromKey("os-extended-volumes:volumes_attached")),
  securityGroups: Schema.optionalWith(Schema.Array(Schema.Struct({ name: Schema.String })), {
    default: () => []
  }).pipe(Schema.fromKey("security_groups")),
  created: Schema.String,
  updated: Schema.optional(Schema.String)
})
export type Server = typeof Server.Type

const ServerBody = Schema.Struct({ server: Server })
const CreatedServerBody = Schema.Struct({ server: Schema.Struct({ id: Schema.String }) })
const ServersPage = Schema.Struct({
  servers: Schema.Array(Server),
  servers_links: Schema.optional(Links)
})

/** A network attachment: on a network (optionally with a fixed IP), or on an existing port. */
export type ServerNetwork =
  | { readonly networkId: string; readonly fixedIp?: string; readonly tag?: string }
  | { readonly portId: string; readonly tag?: string }

/** One entry of `block_device_mapping_v2`, e.g. boot from an existing volume. */
export interface BlockDevice {
  readonly sourceType: "volume" | "image" | "snapshot" | "blank"
  readonly destinationType?: "volume" | "local"
  readonly uuid?: string
  readonly bootIndex?: number
  readonly volumeSize?: number
  readonly volumeType?: string
  readonly deleteOnTermination?: boolean
  readonly tag?: string
}

export interface ServerCreate {
  readonly name: string
  readonly flavorId: string
  /** The image to boot from; leave out when booting from a volume in `blockDevices`. */
  readonly imageId?: string
  /** Networks or ports, or `none` / `auto` (Nova's own choices). */
  readonly networks: ReadonlyArray<ServerNetwork> | "none" | "auto"
  readonly blockDevices?: ReadonlyArray<BlockDevice>
  readonly keyName?: string
  /** Security group names (applied to the ports Nova creates; pre-made ports keep theirs). */
  readonly securityGroups?: ReadonlyArray<string>
  /** Plain text (e.g. cloud-config); encoded in base64 here. */
  readonly userData?: string
  readonly metadata?: Readonly<Record<string, string>>
  readonly tags?: ReadonlyArray<string>
  readonly availabilityZone?: string
  readonly schedulerHints?: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly description?: string
}

// Bodies are written with JSON.stringify, which leaves out properties whose value is undefined.

const networkBody = (network: ServerNetwork) =>
  "portId" in network
    ? { port: network.portId, tag: network.tag }
    : { uuid: network.networkId, fixed_ip: network.fixedIp, tag: network.tag }

const blockDeviceBody = (device: BlockDevice) => ({
  source_type: device.sourceType,
  destination_type: device.destinationType,
  uuid: device.uuid,
  boot_index: device.bootIndex,
  volume_size: device.volumeSize,
  volume_type: device.volumeType,
  delete_on_termination: device.deleteOnTermination,
  tag: device.tag
})

/** The body of POST /servers. */
export const serverCreateBody = (spec: ServerCreate) => ({
  server: {
    name: spec.name,
    flavorRef: spec.flavorId,
    networks: typeof spec.networks === "string" ? spec.networks : spec.networks.map(networkBody),
    imageRef: spec.imageId,
    block_device_mapping_v2: spec.blockDevices?.map(blockDeviceBody),
    key_name: spec.keyName,
    security_groups: spec.securityGroups?.map((name) => ({ name })),
    user_data: spec.userData === undefined ? undefined : Encoding.encodeBase64(spec.userData),
    metadata: spec.metadata,
    tags: spec.tags,
    availability_zone: spec.availabilityZone,
    description: spec.description
  },
  "os:scheduler_hints": spec.schedulerHints
})
export interface ServerFilter {
  /** Exact name (Nova matches names by regular expression; this is escaped and anchored). */
  readonly name?: string
  /** Servers carrying all these tags. */
  readonly tags?: ReadonlyArray<string>
  /** Servers whose metadata has all these pairs (filtered here: Nova does not filter on metadata). */
  readonly metadata?: Readonly<Record<string, string>>
  readonly pageSize?: number
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const hasMetadata = (server: Server, wanted: Readonly<Record<string, string>> | undefined): boolean =>
  wanted === undefined || Object.entries(wanted).every(([key, value]) => server.metadata[key] === value)

/** The error a user sees for a server in ERROR: Nova's fault message. */
export const serverFailure = (server: Server): OpenStackResourceFailed =>
  new OpenStackResourceFailed({
    service: nova,
    resource: "server",
    resourceId: server.id,
    resourceStatus: server.status,
    message: server.fault?.message ?? `server ${server.id} went to ${server.status} without a fault message`
  })

export const makeServerOperations = (api: ServiceApi) => {
  const createServer = Effect.fn("Nova.createServer")(function* (spec: ServerCreate) {
    const body = yield* api.json(
      { method: "POST", path: "servers", json: serverCreateBody(spec) },
      CreatedServerBody
    )
    return body.server
  })

  const getServer = Effect.fn("Nova.getServer")(function* (id: string) {
    const body = yield* api.json({ method: "GET", path: `servers/${segment(id)}` }, ServerBody)
    return body.server
  })

  const listServers = Effect.fn("Nova.listServers")(function* (filter: ServerFilter = {}) {
    const servers = yield* collectPages(
      api,
      {
        method: "GET",
        path: "servers/detail",
        query: {
          name: filter.name === undefined ? undefined : `^${escapeRegex(filter.name)}$`,
          tags: filter.tags?.join(","),
          limit: filter.pageSize
        }
      },
      { schema: ServersPage, items: (page) => page.servers, next: (page) => nextLink(page.servers_links) }
    )
    return servers.filter((server) => hasMetadata(server, filter.metadata))
  })

  const deleteServer = Effect.fn("Nova.deleteServer")(function* (id: string) {
    yield* api.discard({ method: "DELETE", path: `servers/${segment(id)}` })
  })

  /** Waits for ACTIVE; a server in ERROR fails with its fault message. */
  const waitForServerActive = Effect.fn("Nova.waitForServerActive")(function* (
    id: string,
    options?: WaitOptions
  ) {
    const seen = yield* waitFor(
      {
        service: nova,
        resource: "server",
        id,
        target: "ACTIVE",
        poll: Effect.map(getServer(id), (server) => Option.some(server)),
        status: (server: Server) => server.status,
        isDone: (seen) => Option.exists(seen, (server) => server.status === "ACTIVE"),
        failure: (server: Server) =>
          server.status === "ERROR" ? Option.some(Effect.fail(serverFailure(server))) : Option.none()
      },
      options
    )
    return yield* Option.match(seen, {
      onNone: () =>
        Effect.fail(new OpenStackNotFound({ service: nova, message: `server ${id} disappeared` })),
      onSome: Effect.succeed
    })
  })

  /** Waits until the server is gone (404 or DELETED). */
  const waitForServerDeleted = Effect.fn("Nova.waitForServerDeleted")(function* (
    id: string,
    options?: WaitOptions
  ) {
    yield* waitFor(
      {
        service: nova,
        resource: "server",
        id,
        target: "deleted",
        poll: optionalIfNotFound(getServer(id)),
        status: (server: Server) => server.status,
        isDone: (seen) =>
          Option.match(seen, { onNone: () => true, onSome: (server) => server.status === "DELETED" }),
        failure: (server: Server) =>
          server.status === "ERROR" && server.taskState === null
            ? Option.some(Effect.fail(serverFailure(server)))
            : Option.none()
      },
      options
    )
  })

  return { createServer, getServer, listServers, deleteServer, waitForServerActive, waitForServerDeleted }
}
