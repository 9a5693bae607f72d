export { apiAndWorker, EnamelProcess, embeddedAt, embeddedBackendAt } from "./EmbeddedProcess.js"
