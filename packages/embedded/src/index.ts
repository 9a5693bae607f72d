export {
  apiAndWorker,
  EnamelProcess,
  embeddedAt,
  embeddedBackendAt,
  inFrontOfCloudAt
} from "./EmbeddedProcess.js"
