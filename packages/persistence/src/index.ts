export * as CheckpointsPg from "./CheckpointsPg.js"
export * as Database from "./Database.js"
export { layerMigrated, migrate } from "./migrate.js"
