/** `@enamel/client`: a typed client for Enamel's API, derived from its HttpApi contract. */

export { EnamelUrl, serviceType } from "./catalog.js"
export { EnamelClient, type EnamelClientOptions, type EnamelClientShape } from "./EnamelClient.js"
export * from "./errors.js"
export { TaskEvent } from "./events.js"
export type { EnamelApiClient } from "./http/typedApi.js"
export { pollTask, resumeStream, rideOutOutage, type WaitOptions } from "./waitForTask.js"
