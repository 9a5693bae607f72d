/** `@enamel/domain/contract`: the HttpApi contract; the server implements it, clients derive from it. */

export * from "./Authentication.js"
export * as Admin from "./admin.js"
export * as Answers from "./answers.js"
export * as Command from "./Command.js"
export * as Callbacks from "./callbacks.js"
export * from "./dryRun.js"
export * from "./EnamelApi.js"
export * from "./errors.js"
export * as Input from "./input.js"
export * as Microversions from "./microversions.js"
export { Registry } from "./Registry.js"
export * from "./views.js"
