/**
 * `@enamel/domain/flows`: the porcelain commands and their flows (they act on OpenStack), the registry
 * that lists them, and what the flows share (`cloud/`).
 */

export * as NameCache from "./cloud/NameCache.js"
export * as NetworkCreate from "./network-create/index.js"
export * as NetworkDelete from "./network-delete/index.js"
export * as NetworkShow from "./network-show/index.js"
export { registry } from "./registry.js"
export * as ServerBackup from "./server-backup/index.js"
export * as ServerBackupDelete from "./server-backup-delete/index.js"
export * as ServerBackupList from "./server-backup-list/index.js"
export * as ServerCreate from "./server-create/index.js"
export * as ServerDelete from "./server-delete/index.js"
export * as ServerFloatingIpAttach from "./server-floating-ip-attach/index.js"
export * as ServerFloatingIpDetach from "./server-floating-ip-detach/index.js"
export * as ServerInterfaceAttach from "./server-interface-attach/index.js"
export * as ServerInterfaceDetach from "./server-interface-detach/index.js"
export * as ServerRebuild from "./server-rebuild/index.js"
export * as ServerResize from "./server-resize/index.js"
export * as ServerShow from "./server-show/index.js"
export * as ServerVolumeAttach from "./server-volume-attach/index.js"
export * as ServerVolumeDetach from "./server-volume-detach/index.js"
