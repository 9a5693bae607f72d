/**
 * Every error code a user or an operator can see, each written once, with its meaning: the codes of the
 * API's error documents, of a task's `error` and of its stages' timeline entries, and those derived
 * from OpenStack's answers. Users and scripts match on these strings, so a code never changes meaning;
 * new codes may be added. Everything else refers to `ErrorCode.<name>`, never to the string (a test
 * keeps it so), and `/openapi.json` lists, for each operation, the codes it can answer with.
 */
export const ErrorCode = {
  // Authentication and authorisation (the API)
  authInvalidToken: "auth.invalid_token",
  authTokenNotProjectScoped: "auth.token_not_project_scoped",
  authKeystoneUnavailable: "auth.keystone_unavailable",
  policyForbidden: "policy.forbidden",
  authInvalidCredentials: "auth.invalid_credentials",
  authSignInThrottled: "auth.sign_in_throttled",
  // Requests the API refuses before it acts
  requestInvalid: "request.invalid",
  requestMalformed: "request.malformed",
  requestTooDeep: "request.too_deep",
  requestTooLarge: "request.too_large",
  requestUnsupportedMediaType: "request.unsupported_media_type",
  apiVersionNotAcceptable: "api.version_not_acceptable",
  resourceNotFound: "resource.not_found",
  // Tasks, as the API serves them
  taskNotFound: "task.not_found",
  taskNotCancellable: "task.not_cancellable",
  taskNotHeld: "task.not_held",
  taskIdempotencyConflict: "task.idempotency_conflict",
  taskMarkerNotFound: "task.marker_not_found",
  // Callbacks (the Enamel-Callback-* headers of a task-creating request)
  callbackUrlNotAllowed: "callback.url_not_allowed",
  // The fleet's workers, as the admin API tunes them
  topicNotFound: "topic.not_found",
  // The API's own state
  serviceUnavailable: "service.unavailable",
  internal: "internal_error",
  // Users' keys
  keyUnavailable: "key.unavailable",
  keyForbidden: "key.forbidden",
  // How a task ended, or why it could not run
  taskCancelled: "task.cancelled",
  taskInvalidTransition: "task.invalid_transition",
  taskUnknownType: "task.unknown_type",
  taskUnknownFlowVersion: "task.unknown_flow_version",
  taskInvalidParams: "task.invalid_params",
  taskTooManyRestarts: "task.too_many_restarts",
  stageFailed: "stage.failed",
  // The server flows
  serverNotFound: "server.not_found",
  serverRequestUnresolved: "server.request_unresolved",
  serverNotReady: "server.not_ready",
  serverNotVolumeBacked: "server.not_volume_backed",
  serverRebuildNotOffered: "server.rebuild_not_offered",
  rebuildOverQuota: "rebuild.over_quota",
  rebuildVolumeDeletedOnTermination: "rebuild.volume_deleted_on_termination",
  imageNotFound: "image.not_found",
  // What is attached to a server
  volumeNotFound: "volume.not_found",
  volumeNotAvailable: "volume.not_available",
  volumeNotAttached: "volume.not_attached",
  volumeIsBootVolume: "volume.boot_volume",
  floatingIpNoFreePort: "floating_ip.no_free_port",
  floatingIpNotAttached: "floating_ip.not_attached",
  portNotAttached: "port.not_attached",
  // A server's backup sets (Cinder snapshots)
  backupNoVolume: "backup.no_volume",
  backupOverQuota: "backup.over_quota",
  backupNotFound: "backup.not_found",
  serverHasBackups: "server.has_backups",
  // Restoring a snapshot (a backup's) as a new volume
  snapshotNotFound: "snapshot.not_found",
  snapshotNotAvailable: "snapshot.not_available",
  volumeSmallerThanSnapshot: "volume.smaller_than_snapshot",
  // Making new volumes (a server's boot volumes, a volume to attach)
  volumeOverQuota: "volume.over_quota",
  // The project's quotas, checked by a dry run and by a task's first stage
  quotaExceeded: "quota.exceeded",
  // The project's default network (POST /servers with network "auto")
  networkDefaultNotReady: "network.default_not_ready",
  // Resizing a server
  flavorNotFound: "flavor.not_found",
  serverFlavorUnchanged: "server.flavor_unchanged",
  flavorAmbiguous: "flavor.ambiguous",
  // Networks made by network.create
  networkExternalNotFound: "network.external_not_found",
  networkNotExternal: "network.not_external",
  networkExternalUnresolved: "network.external_unresolved",
  networkCidrOverlaps: "network.cidr_overlaps",
  networkNoFreeCidr: "network.no_free_cidr",
  networkOverQuota: "network.over_quota",
  networkExternalFull: "network.external_network_full",
  // Networks (network.delete, GET /networks/{id})
  networkNotFound: "network.not_found",
  networkNotDeletable: "network.not_deletable",
  networkInUse: "network.in_use",
  // OpenStack's answers, as a stage that called OpenStack reports them
  openstackNotFound: "openstack.not_found",
  openstackConflict: "openstack.conflict",
  openstackOverQuota: "openstack.over_quota",
  openstackUnauthorized: "openstack.unauthorized",
  openstackForbidden: "openstack.forbidden",
  openstackBadRequest: "openstack.bad_request",
  openstackServiceUnavailable: "openstack.service_unavailable",
  openstackTimeout: "openstack.timeout",
  openstackResourceFailed: "openstack.resource_failed",
  openstackEndpointNotFound: "openstack.endpoint_not_found",
  openstackUnexpectedResponse: "openstack.unexpected_response"
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** Where a code is seen: in an API answer (with its HTTP status), or in a task's error and timeline. */
export type Seen = { readonly answer: number } | { readonly task: true }

export interface CodeMeaning {
  readonly meaning: string
  readonly seen: ReadonlyArray<Seen>
}

const answer = (status: number): Seen => ({ answer: status })
const task: Seen = { task: true }

/** What each code means, and where it is seen; the README's list of codes is this table. */
export const meanings: { readonly [C in ErrorCode]: CodeMeaning } = {
  "auth.invalid_token": {
    meaning: "The X-Auth-Token is missing, invalid or expired: get a new token from Keystone.",
    seen: [answer(401)]
  },
  "auth.token_not_project_scoped": {
    meaning: "The token is not scoped to a project; Enamel acts within one project.",
    seen: [answer(401)]
  },
  "auth.keystone_unavailable": {
    meaning: "Keystone could not validate the token just now; try again shortly.",
    seen: [answer(503)]
  },
  "policy.forbidden": {
    meaning:
      "Enamel's policy does not allow the caller's roles to do this (a reader may read but change nothing; /admin/… needs admin); the detail names the rule, e.g. enamel:server:create.",
    seen: [answer(403)]
  },
  "auth.invalid_credentials": {
    meaning:
      "Sign-in (POST /ui/sign-in): Keystone refused the name, password and project given; check them and try again.",
    seen: [answer(401)]
  },
  "auth.sign_in_throttled": {
    meaning: "Sign-in (POST /ui/sign-in): too many attempts from this address just now; wait a minute.",
    seen: [answer(429)]
  },
  "request.invalid": {
    meaning:
      "A field, parameter or header is missing, unknown or has a value that is not allowed; the detail names it.",
    seen: [answer(400)]
  },
  "request.malformed": { meaning: "The body is not valid JSON.", seen: [answer(400)] },
  "request.too_deep": { meaning: "The body nests arrays and objects too deeply.", seen: [answer(400)] },
  "request.too_large": { meaning: "The body is larger than the API accepts.", seen: [answer(413)] },
  "request.unsupported_media_type": {
    meaning: "The body is not sent as application/json.",
    seen: [answer(415)]
  },
  "api.version_not_acceptable": {
    meaning: "OpenStack-API-Version asks for an Enamel version this server does not serve.",
    seen: [answer(406)]
  },
  "resource.not_found": { meaning: "No such path, or no such method on it.", seen: [answer(404)] },
  "task.not_found": {
    meaning: "No task with this id, or one the caller may not see (another project's).",
    seen: [answer(404)]
  },
  "task.not_cancellable": {
    meaning: "The task has already ended (a held task is rolled back, not cancelled), or is rolling back.",
    seen: [answer(409)]
  },
  "task.not_held": {
    meaning:
      'Retry or rollback of a task that is not FAILED and held (only a task asked with on_failure "keep" is held).',
    seen: [answer(409)]
  },
  "task.idempotency_conflict": {
    meaning: "The Idempotency-Key was used before with a different request.",
    seen: [answer(409)]
  },
  "task.marker_not_found": {
    meaning: "The list's marker names no task the caller may see.",
    seen: [answer(400)]
  },
  "callback.url_not_allowed": {
    meaning:
      "The Enamel-Callback-URL is not an http(s) URL, or its host is a loopback, link-local, private, shared (CGNAT), unspecified or multicast address (also written as IPv4-mapped IPv6) that the operator did not allow (ENAMEL_CALLBACK_ALLOW); the detail says which. A host name is checked again, after DNS, at each delivery.",
    seen: [answer(400)]
  },
  "topic.not_found": {
    meaning: "The topic is not a task type of this deployment; GET /admin/topics lists them.",
    seen: [answer(404)]
  },
  "service.unavailable": {
    meaning: "A service Enamel needs (PostgreSQL, RabbitMQ, OpenStack) is unavailable; try again shortly.",
    seen: [answer(503)]
  },
  internal_error: {
    meaning: "A fault in Enamel itself: please report it, with the request id or the task id.",
    seen: [answer(500), task]
  },
  "key.unavailable": {
    meaning:
      "The key Enamel keeps to act for the user is missing, refused or cannot be made now (in an answer: try again; in a task: it could not run).",
    seen: [answer(503), task]
  },
  "key.forbidden": {
    meaning: "Keystone does not let this user create the application credential Enamel acts with.",
    seen: [answer(403)]
  },
  "task.cancelled": {
    meaning: "The user cancelled the task; what it had made was undone.",
    seen: [task]
  },
  "task.invalid_transition": {
    meaning: "A task state change the state machine does not allow (a fault in Enamel).",
    seen: [task]
  },
  "task.unknown_type": { meaning: "No worker of this deployment runs the task's type.", seen: [task] },
  "task.unknown_flow_version": {
    meaning:
      "The task was accepted for a version of its flow that this deployment no longer has; it could not run.",
    seen: [task]
  },
  "task.invalid_params": {
    meaning: "The task's stored parameters do not fit its flow (a fault in Enamel).",
    seen: [task]
  },
  "task.too_many_restarts": {
    meaning: "The workers running the task stopped too often while running it; it was given up.",
    seen: [task]
  },
  "stage.failed": {
    meaning: "A stage failed for a reason that has no code of its own; the message says why.",
    seen: [task]
  },
  "server.not_found": {
    meaning: "The server does not exist, or is not in the caller's project.",
    seen: [answer(404), task]
  },
  "server.request_unresolved": {
    meaning:
      "Something the request names (image, flavor, network, port, keypair, …) does not exist or cannot be used; every problem is listed. A dry run (?dry_run=true) answers it with 409.",
    seen: [answer(409), task]
  },
  "server.not_ready": {
    meaning:
      "The server is neither ACTIVE nor SHUTOFF (building, in ERROR, being deleted, …): volumes are attached to and detached from a running or stopped server only.",
    seen: [answer(409), task]
  },
  "server.not_volume_backed": {
    meaning:
      "The server boots from an image on its compute host, not from a volume; only volume-backed servers are rebuilt.",
    seen: [answer(409), task]
  },
  "server.rebuild_not_offered": {
    meaning:
      "The cloud does not rebuild volume-backed servers (Nova microversion 2.93 with Cinder's volume API 3.68), and the task's flow version (server.rebuild version 1, of tasks accepted before version 2) does not rebuild by replacement; nothing was changed.",
    seen: [task]
  },
  "rebuild.over_quota": {
    meaning:
      "Rebuilding by replacement needs one more volume of the root volume's size, and the project's Cinder quota (volumes, or gigabytes) does not allow it; nothing was made.",
    seen: [task]
  },
  "rebuild.volume_deleted_on_termination": {
    meaning:
      "Rebuilding by replacement deletes the server, and one of its volumes is set to be deleted with it; the cloud's Nova (before microversion 2.85) does not let its owner change that, so nothing was changed. A dry run (?dry_run=true) answers it with 409.",
    seen: [answer(409), task]
  },
  "image.not_found": {
    meaning: "The image does not exist, is not visible to the caller, or is not active.",
    seen: [answer(404), task]
  },
  "volume.not_found": {
    meaning: "The volume does not exist, or is not in the caller's project.",
    seen: [answer(404), task]
  },
  "volume.not_available": {
    meaning:
      "The volume is not available: it is attached to a server already, or busy (creating, detaching, in error).",
    seen: [answer(409), task]
  },
  "volume.not_attached": {
    meaning: "The volume is not attached to that server (or does not exist); nothing was detached.",
    seen: [answer(404), task]
  },
  "volume.boot_volume": {
    meaning: "The volume is the server's boot volume: it cannot be detached; deleting the server removes it.",
    seen: [answer(409), task]
  },
  "floating_ip.no_free_port": {
    meaning:
      "Every port of the server has a floating IP already: name a port, or detach a floating IP first.",
    seen: [answer(409), task]
  },
  "floating_ip.not_attached": {
    meaning: "The floating IP is not on a port of that server (or does not exist); nothing was changed.",
    seen: [answer(404), task]
  },
  "port.not_attached": {
    meaning: "The port is not attached to that server (or does not exist); nothing was changed.",
    seen: [answer(404), task]
  },
  "backup.no_volume": {
    meaning:
      'The server has no volume to back up: no boot volume (it boots from an image) for "volumes": "boot", or no volume attached at all.',
    seen: [answer(409), task]
  },
  "backup.over_quota": {
    meaning:
      "The project's Cinder quota (snapshots, or gigabytes) does not allow a snapshot of each volume of the backup; nothing was made.",
    seen: [answer(413), task]
  },
  "backup.not_found": {
    meaning: "The server has no backup set with that id (or the server is not the caller's).",
    seen: [answer(404), task]
  },
  "server.has_backups": {
    meaning:
      "The server has backup sets, whose snapshots depend on its volumes, and the request did not ask to delete them: delete them first (DELETE /servers/{id}/backups/{backup_id}) or with the server (DELETE /servers/{id}?delete_backups=true); nothing was deleted. A task fails with it at findBackupSets when a backup was taken after its request was accepted.",
    seen: [answer(409), task]
  },
  "snapshot.not_found": {
    meaning: "The snapshot to make the volume from does not exist, or is not in the caller's project.",
    seen: [answer(404)]
  },
  "snapshot.not_available": {
    meaning:
      "The snapshot to make the volume from is not available (still being made, being deleted, in error).",
    seen: [answer(409)]
  },
  "volume.smaller_than_snapshot": {
    meaning:
      "size_gb is smaller than the snapshot the volume is made from; leave size_gb out to take the snapshot's size.",
    seen: [answer(409)]
  },
  "volume.over_quota": {
    meaning:
      "The project's Cinder quota (volumes, or gigabytes) does not allow the new volumes the task makes (a boot volume for each server of POST /servers, or the new volume of POST /servers/{id}/volumes); the message names what was asked and what is left. The task fails at its first stage, before anything is made.",
    seen: [task]
  },
  "quota.exceeded": {
    meaning:
      "The request needs more of one of the project's quotas than is left: Nova's instances, cores, ram or key_pairs, Cinder's volumes, gigabytes or snapshots, Neutron's port, floatingip, network, subnet or router; the detail names the quota, its limit, what the project uses and what the request needs. A dry run (?dry_run=true) answers it with 409; a task fails with it at its first stage, before anything is made (Cinder's volume checks that were there before keep their codes: volume.over_quota, backup.over_quota, rebuild.over_quota).",
    seen: [answer(409), task]
  },
  "network.default_not_ready": {
    meaning:
      'A server.create task with network "auto" waited for the project\'s default network, which another task was making, and it was not ready in time (that task may be stuck, or its worker down); or the tasks asking for it at once could not agree on one. Nothing was left behind: send the request again.',
    seen: [task]
  },
  "flavor.not_found": {
    meaning: "The flavor (name or id) does not exist, or the caller's project may not use it.",
    seen: [answer(404), task]
  },
  "server.flavor_unchanged": {
    meaning: "The server has that flavor already: a resize must change the flavor.",
    seen: [answer(409), task]
  },
  "flavor.ambiguous": {
    meaning: "The flavor's name matches several flavors the project can use: give the flavor's id.",
    seen: [answer(409), task]
  },
  "network.external_not_found": {
    meaning:
      "The external network for the router's gateway (external_network, or the operator's ENAMEL_DEFAULT_EXTERNAL_NETWORK) does not exist, or the project cannot see it.",
    seen: [answer(404), task]
  },
  "network.not_external": {
    meaning:
      "The network named as external_network is not an external network (router:external): a router's gateway cannot be on it.",
    seen: [answer(409), task]
  },
  "network.external_unresolved": {
    meaning:
      "No external network was named, the operator set none (ENAMEL_DEFAULT_EXTERNAL_NETWORK), and the project sees none, or several (the detail names them): give external_network. Also when the name given is several external networks' (give the id).",
    seen: [answer(409), task]
  },
  "network.cidr_overlaps": {
    meaning:
      "The network's CIDR overlaps a subnet of the project (the detail names it): asked for so, or taken by another subnet while the task ran; nothing was left behind.",
    seen: [answer(409), task]
  },
  "network.no_free_cidr": {
    meaning: "No cidr was given and every /24 of 10.0.0.0/8 overlaps a subnet of the project: give one.",
    seen: [answer(409), task]
  },
  "network.over_quota": {
    meaning:
      "The project's Neutron quota has no room for one more network, subnet or router (the message says which); nothing was left behind.",
    seen: [task]
  },
  "network.external_network_full": {
    meaning:
      "The external network has no free address for the new router's gateway (Neutron's IpAddressGenerationFailure); nothing was left behind.",
    seen: [task]
  },
  "network.not_found": {
    meaning: "The network does not exist, or the caller cannot see it (another project's, not shared).",
    seen: [answer(404), task]
  },
  "network.not_deletable": {
    meaning:
      "The network is an external network, or another project's shared one: Enamel deletes only the project's own networks; nothing was changed.",
    seen: [answer(409), task]
  },
  "network.in_use": {
    meaning:
      "Ports other than the routers' interfaces, the router gateway and DHCP's still use the network (a server's, a load balancer's, one made by hand); the detail names each (id, device owner, device id). Remove them first; nothing was changed. A task fails with it at findNetworkTopology when such a port appeared after its request was accepted.",
    seen: [answer(409), task]
  },
  "openstack.not_found": {
    meaning:
      "OpenStack answered 404, or found nothing by that name: something a stage needed does not exist.",
    seen: [task]
  },
  "openstack.conflict": {
    meaning:
      "OpenStack answered 409 (the resource's state does not allow the call), or a name matched several resources.",
    seen: [task]
  },
  "openstack.over_quota": {
    meaning: "A quota of the project would be exceeded (Nova, Cinder or Neutron).",
    seen: [task]
  },
  "openstack.unauthorized": {
    meaning: "OpenStack refused the user's credentials, also with a new token.",
    seen: [task]
  },
  "openstack.forbidden": { meaning: "OpenStack's policy does not allow the call to the user.", seen: [task] },
  "openstack.bad_request": {
    meaning: "OpenStack refused the call as invalid; the message is its own.",
    seen: [task]
  },
  "openstack.service_unavailable": {
    meaning: "An OpenStack service was unreachable or failed, also after retries.",
    seen: [task]
  },
  "openstack.timeout": {
    meaning: "An OpenStack call, or a wait for a resource (server ACTIVE, volume available), took too long.",
    seen: [task]
  },
  "openstack.resource_failed": {
    meaning:
      "A resource went into an error state while Enamel waited for it; the message is the cloud's reason.",
    seen: [task]
  },
  "openstack.endpoint_not_found": {
    meaning: "The service catalog has no endpoint for a service Enamel needs.",
    seen: [task]
  },
  "openstack.unexpected_response": {
    meaning: "OpenStack answered with something Enamel cannot read.",
    seen: [task]
  }
}

/** The codes an API answer of this status may carry. */
export const codesAnswering = (status: number): ReadonlyArray<ErrorCode> =>
  Object.values(ErrorCode).filter((code) =>
    meanings[code].seen.some((seen) => "answer" in seen && seen.answer === status)
  )
