/**
 * `server.volume.attach` version 1, as released: tasks accepted before version 2 resume by it. Its params
 * need `size_gb` with a snapshot; its stages and program are version 2's (frozen; see the package README).
 */
import * as Flow from "../../../engine/flow/Flow.js"
import { program, stages } from "../flow.js"
import { AttachVolumeRequestV1, AttachVolumeResult, type } from "../request.js"

export const flow = Flow.make({
  type,
  version: 1,
  params: AttachVolumeRequestV1,
  result: AttachVolumeResult,
  stages,
  program
})
