/**
 * `server.backup.delete` version 1, as released: tasks accepted before version 2 resume by it (frozen;
 * see the package README). Its params are the request alone, so `findBackup` reads the set.
 */
import * as Flow from "../../../engine/flow/Flow.js"
import { program, stages } from "../flow.js"
import { DeleteBackupRequest, DeleteBackupResult, type } from "../request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: DeleteBackupRequest,
  result: DeleteBackupResult,
  stages,
  program
})
