import { HttpApiEndpoint } from "@effect/platform"
import { Effect } from "effect"
import * as Answers from "../../contract/answers.js"
import * as Command from "../../contract/Command.js"
import { ErrorCode } from "../../ErrorCatalogue.js"
import { runnable } from "../../engine/flow/RunnableFlow.js"
import { admitUsableSnapshot } from "../cloud/snapshots.js"
import { planServers } from "./dryRun.js"
import { flow, type } from "./flow.js"
import { CreateServersRequest as CreateServersBody, type CreateServersRequest } from "./request.js"
import * as v1 from "./v1/flow.js"
import * as v2 from "./v2/flow.js"

/**
 * With the caller's own token, before the 202, for a restore: the boot volume's snapshot is the
 * caller's (404), available (409) and no larger than `size_gb` (409). A request from an image is
 * checked by the task's first stage only, as before.
 */
const admission = (request: CreateServersRequest) => {
  const snapshot = request.boot_volume?.snapshot
  return snapshot === undefined ? Effect.void : admitUsableSnapshot(snapshot, request.boot_volume?.size_gb)
}

/** `POST /servers` → `server.create`. */
export const command = Command.make({
  type,
  description:
    "Creates one or more servers, each with its boot volume (from the image, or from a snapshot such as a " +
    "backup's), ports, security groups, keypair and floating IPs; undoes all of it when any part fails. " +
    'A NIC with network "auto" is on the project\'s default network, made the first time (network, subnet, ' +
    "router) and reused afterwards.",
  endpoint: HttpApiEndpoint.post("createServers", "/servers")
    .setPayload(CreateServersBody)
    .addError(Answers.notFound(ErrorCode.snapshotNotFound))
    .addError(
      Answers.conflict(
        ErrorCode.snapshotNotAvailable,
        ErrorCode.volumeSmallerThanSnapshot,
        ErrorCode.serverRequestUnresolved
      )
    ),
  concurrency: 4,
  // Version 3 makes the project's default network for `network: "auto"`; version 2 boots from a
  // snapshot too; tasks accepted before them resume by the version they were accepted with.
  flow,
  earlier: [runnable(v2.flow), runnable(v1.flow)],
  admission,
  // `?dry_run=true`: what the first stage resolves, what would be made, and the quotas it needs.
  plan: planServers
})
