import { Registry } from "../contract/Registry.js"
import * as NetworkCreate from "./network-create/index.js"
import * as NetworkDelete from "./network-delete/index.js"
import * as ServerBackup from "./server-backup/index.js"
import * as ServerBackupDelete from "./server-backup-delete/index.js"
import * as ServerCreate from "./server-create/index.js"
import * as ServerDelete from "./server-delete/index.js"
import * as ServerFloatingIpAttach from "./server-floating-ip-attach/index.js"
import * as ServerFloatingIpDetach from "./server-floating-ip-detach/index.js"
import * as ServerInterfaceAttach from "./server-interface-attach/index.js"
import * as ServerInterfaceDetach from "./server-interface-detach/index.js"
import * as ServerRebuild from "./server-rebuild/index.js"
import * as ServerResize from "./server-resize/index.js"
import * as ServerVolumeAttach from "./server-volume-attach/index.js"
import * as ServerVolumeDetach from "./server-volume-detach/index.js"

/**
 * The porcelain commands Enamel offers: one line each. A new command is a folder beside these (its
 * request, stages, flow and `command.ts`) and one line here; the API, the worker, the embedded process,
 * `GET /` and `/openapi.json` take it from this list.
 */
export const registry = Registry.empty
  .add(ServerCreate.command)
  .add(ServerDelete.command)
  .add(ServerVolumeAttach.command)
  .add(ServerVolumeDetach.command)
  .add(ServerFloatingIpAttach.command)
  .add(ServerFloatingIpDetach.command)
  .add(ServerInterfaceAttach.command)
  .add(ServerInterfaceDetach.command)
  .add(ServerBackup.command)
  .add(ServerBackupDelete.command)
  .add(ServerResize.command)
  .add(ServerRebuild.command)
  .add(NetworkDelete.command)
  .add(NetworkCreate.command)
