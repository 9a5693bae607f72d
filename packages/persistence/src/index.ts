export {
  CallbackStore,
  type Claimed as ClaimedDelivery,
  type NewDelivery,
  type NewSubscription,
  type Outcome as DeliveryOutcome,
  type Pending as PendingCallback
} from "./Callbacks.js"
export * as CheckpointsPg from "./CheckpointsPg.js"
export * as Database from "./Database.js"
export { DataDir, DataDirInUse } from "./embedded/dataDir.js"
export * as PgliteDatabase from "./embedded/PgliteDatabase.js"
export * as Health from "./Health.js"
export { type HeldAction, HeldTasks, TaskNotHeld } from "./HeldTasks.js"
export { LocalSecrets } from "./LocalSecrets.js"
export * as PersistenceMetrics from "./metrics.js"
export { layerMigrated, migrate } from "./migrate.js"
export { OutboxRelay } from "./OutboxRelay.js"
export { reannounceUnfinished } from "./Reannounce.js"
export { type Lease, LeaseHeld, LeaseLost, TaskLeases } from "./TaskLeases.js"
export { TaskProgress } from "./TaskProgress.js"
export { purgeEndedTasks, retention, TaskRetention } from "./TaskRetention.js"
export * from "./TaskStore.js"
export { TaskWaiters } from "./TaskWaiters.js"
export {
  type SettingPatch,
  TOPIC_SETTINGS_CHANNEL,
  type TopicDefault,
  type TopicLoad,
  TopicSetting,
  TopicSettings,
  TopicSettingsError,
  WorkerReport
} from "./TopicSettings.js"
export { type UserKeyRef, UserKeyRefs } from "./UserKeyRefs.js"
