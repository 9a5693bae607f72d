export { ApiProcess, Listen } from "./ApiProcess.js"
export { ApiLive, HttpLive } from "./ApiServer.js"
export * as TokenValidator from "./auth/TokenValidator.js"
export * as UserKeys from "./keys/UserKeys.js"
