/**
 * `server.backup` version 1, as released: tasks accepted before version 2 resume by it (frozen; see the
 * package README). Its params are the request alone, so `chooseVolumes` reads the server and its volumes.
 */
import * as Flow from "../../../engine/flow/Flow.js"
import { program, stages } from "../flow.js"
import { BackupRequest, BackupResult, type } from "../request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: BackupRequest,
  result: BackupResult,
  stages,
  program
})
