/**
 * The marks Enamel leaves on everything it creates, so that a stage re-run after a crash finds (adopts)
 * what it made, and `server.delete` and clean-ups find what belongs to a task or a server:
 * - the task mark, `enamel_task=<task id>`: Nova server tag, Neutron tag, Cinder metadata;
 *   `network.create` puts it and its stage's token on the network, subnet and router it makes (the router's
 *   interface is found as the router's port on the subnet), and this is how `network.delete` and
 *   `GET /networks/{id}` tell what Enamel made;
 * - the stage's idempotency token, `enamel_token=<token>`: Neutron tag, Cinder and Nova metadata (Nova
 *   tags allow neither the token's length nor its `/`), and the description of ports and floating IPs
 *   (set in the create call itself, while Neutron tags take a second call);
 * - the server mark, `enamel_server=<server id>`: Neutron tag, Cinder metadata, on what Enamel makes for
 *   a server that exists already (a volume, port or floating IP that a later task attaches to it). What
 *   `server.create` makes for its servers is found through the server's own marks instead (its task and
 *   the scope of its token); `server.delete` finds both, and never what carries neither (what the user
 *   brought and attached).
 * - the rebuild mark, `enamel_rebuild_token=<token>`: Nova metadata of a server that a rebuild by
 *   replacement booted (the new server, or the old root booted again by its undo), so that a re-run of
 *   that stage adopts it. Such a server also carries the marks of the server it replaces (its task tag and
 *   `enamel_token`), through which `server.delete` finds what `server.create` made for it.
 * - the backup marks, `enamel_server_id=<server id>` and `enamel_backup_id=<backup id>` (and the device,
 *   `enamel_device`, and the time, `enamel_backup_at`): Cinder metadata of the snapshots of one backup set (`server.backup`), beside the task
 *   mark and the token; a server's sets are found by them (`GET /servers/{id}/backups`, the rotation,
 *   `server.backup.delete`).
 */

export const taskKey = "enamel_task"
export const tokenKey = "enamel_token"

export const taskTag = (taskId: string): string => `${taskKey}=${taskId}`
export const tokenTag = (token: string): string => `${tokenKey}=${token}`

/** The Neutron tags of a resource made by the stage with this token. */
export const neutronTags = (taskId: string, token: string): ReadonlyArray<string> => [
  taskTag(taskId),
  tokenTag(token)
]

/** The Cinder (and Nova) metadata of a resource made by the stage with this token. */
export const metadataMarks = (taskId: string, token: string): Readonly<Record<string, string>> => ({
  [taskKey]: taskId,
  [tokenKey]: token
})

/** The token among a Neutron resource's tags, if Enamel made it. */
export const tokenOfTags = (tags: ReadonlyArray<string>): string | undefined =>
  tags.find((tag) => tag.startsWith(`${tokenKey}=`))?.slice(tokenKey.length + 1)

/** The task id among a Nova server's tags, if Enamel made it. */
export const taskOfTags = (tags: ReadonlyArray<string>): string | undefined =>
  tags.find((tag) => tag.startsWith(`${taskKey}=`))?.slice(taskKey.length + 1)

/**
 * The token prefix shared by everything made for one server: the server's own token without its stage
 * name (`enamel-<task>-server[1]/bootServer` → `enamel-<task>-server[1]/`).
 */
export const scopeOfToken = (token: string): string => token.slice(0, token.lastIndexOf("/") + 1)

/**
 * Nova metadata: the token of the rebuild stage whose request the server carries out or was booted by
 * (`rebuildServer`, `bootNewServer`), by which a re-run of that stage knows its request was taken.
 */
export const rebuildTokenKey = "enamel_rebuild_token"

export const serverKey = "enamel_server"

export const serverTag = (serverId: string): string => `${serverKey}=${serverId}`

/** The Neutron tags of a resource made by the stage with this token for an existing server. */
export const attachedNeutronTags = (
  taskId: string,
  token: string,
  serverId: string
): ReadonlyArray<string> => [...neutronTags(taskId, token), serverTag(serverId)]

/** The Cinder metadata of a volume made by the stage with this token for an existing server. */
export const attachedMetadataMarks = (
  taskId: string,
  token: string,
  serverId: string
): Readonly<Record<string, string>> => ({ ...metadataMarks(taskId, token), [serverKey]: serverId })

/** Whether Enamel made this volume (by its Cinder metadata) for that server, after the server existed. */
export const madeForServer = (metadata: Readonly<Record<string, string>>, serverId: string): boolean =>
  metadata[serverKey] === serverId && metadata[taskKey] !== undefined && metadata[tokenKey] !== undefined

/**
 * Whether Enamel made this Neutron resource (by its tags) for the server: with the server itself (the
 * server's task, under its token's scope) or for it since (the server mark).
 */
export const madeForServerByTags = (
  server: {
    readonly id: string
    readonly tags: ReadonlyArray<string>
    readonly metadata: Readonly<Record<string, string>>
  },
  tags: ReadonlyArray<string>
): boolean => {
  const token = tokenOfTags(tags)
  if (token === undefined || taskOfTags(tags) === undefined) return false
  if (tags.includes(serverTag(server.id))) return true
  const serverToken = server.metadata[tokenKey]
  return (
    serverToken !== undefined &&
    taskOfTags(server.tags) === taskOfTags(tags) &&
    token.startsWith(scopeOfToken(serverToken))
  )
}

export const backupServerKey = "enamel_server_id"
export const backupKey = "enamel_backup_id"
/** The device the volume was attached as when the snapshot was taken (shown by `GET /servers/{id}/backups`). */
export const deviceKey = "enamel_device"
/**
 * When the snapshot was asked for, to the millisecond (ISO 8601): what orders a server's sets, since
 * Cinder's `created_at` may only say the second.
 */
export const takenAtKey = "enamel_backup_at"

/** The Cinder metadata that finds a server's backup sets, or one of them. */
export const backupFilter = (serverId: string, backupId?: string): Readonly<Record<string, string>> => ({
  [backupServerKey]: serverId,
  ...(backupId === undefined ? {} : { [backupKey]: backupId })
})

/**
 * The Cinder metadata of a snapshot of backup set `backupId` of the server, made by the stage with this
 * token, of the volume attached at `device`.
 */
export const backupMetadataMarks = (
  taskId: string,
  token: string,
  set: {
    readonly serverId: string
    readonly backupId: string
    readonly device: string | null
    readonly takenAt: string
  }
): Readonly<Record<string, string>> => ({
  ...metadataMarks(taskId, token),
  ...backupFilter(set.serverId, set.backupId),
  ...(set.device === null ? {} : { [deviceKey]: set.device }),
  [takenAtKey]: set.takenAt
})

/**
 * The project's default network (`server.create`'s `network: "auto"`): every network a task made to
 * claim that role carries `enamel_default_network` (beside its task mark and token); the one that won
 * the claim gets `enamel_default_network_ready` once its subnet, router and interface all exist, and is
 * from then on what `auto` means in that project. See `server-create/defaultNetwork/`.
 */
export const defaultNetworkTag = "enamel_default_network"
export const defaultNetworkReadyTag = "enamel_default_network_ready"
