/** The flows Enamel runs, one module per task type. */
export * as NameCache from "./cloud/NameCache.js"
export * as ServerCreate from "./server-create/index.js"
export * as ServerDelete from "./server-delete/index.js"
