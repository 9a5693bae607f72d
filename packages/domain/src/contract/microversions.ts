/**
 * Enamel's API microversions, oldest first, one line each. Clients ask with
 * `OpenStack-API-Version: enamel X.Y`; every response says which version served it.
 */
export const microversions = [{ version: "1.0", note: "POST /servers, tasks, cancel, events" }] as const

export const minVersion = "1.0"
export const maxVersion = microversions[microversions.length - 1]?.version ?? minVersion
export const serviceType = "enamel"
