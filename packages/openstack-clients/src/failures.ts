/**
 * What an OpenStack failure means for whoever made the call, in one place: whether it is one of the
 * clients' errors, whether trying again may help, whether a create may have landed anyway, and whether
 * the cloud refused the caller. Everything is decided by class (`instanceof`, and exhaustive switches over
 * the `OpenStackError` union), never by a tag string: renaming or adding an error class breaks
 * compilation here instead of silently changing what is retried.
 */
import {
  OpenStackBadRequest,
  OpenStackConflict,
  OpenStackEndpointNotFound,
  type OpenStackError,
  OpenStackForbidden,
  OpenStackNotFound,
  OpenStackOverQuota,
  OpenStackResourceFailed,
  OpenStackServiceUnavailable,
  OpenStackTimeout,
  OpenStackUnauthorized,
  OpenStackUnexpectedResponse
} from "./errors.js"

/** Every error class, by its tag: the mapped type makes a class missing from this table a type error. */
const classes: {
  readonly [T in OpenStackError["_tag"]]: abstract new (
    ...args: never
  ) => Extract<OpenStackError, { readonly _tag: T }>
} = {
  OpenStackNotFound,
  OpenStackConflict,
  OpenStackOverQuota,
  OpenStackUnauthorized,
  OpenStackForbidden,
  OpenStackBadRequest,
  OpenStackServiceUnavailable,
  OpenStackTimeout,
  OpenStackResourceFailed,
  OpenStackEndpointNotFound,
  OpenStackUnexpectedResponse
}
const allClasses = Object.values(classes)

/** Whether `u` is one of the clients' errors. */
export const isOpenStackError = (u: unknown): u is OpenStackError => allClasses.some((c) => u instanceof c)

/**
 * Conflicts that do not pass while a task waits: a subnet with no address left (Neutron's
 * IpAddressGenerationFailure) stays full.
 */
const lastingConflictKinds: ReadonlySet<string> = new Set(["IpAddressGenerationFailure"])

/** What one failure means for the caller. */
export interface Classification {
  /**
   * The service failed or could not be reached (5xx, 429, connection refused or reset), or did not
   * answer in time: an idempotent read may simply be sent again.
   */
  readonly outage: boolean
  /** Trying the same call again may succeed: an outage, or a conflict with a state that passes. */
  readonly transient: boolean
  /**
   * The call may have taken effect although it failed (the request may have reached the service): a
   * create must look for what it made before creating again.
   */
  readonly ambiguous: boolean
  /** A conflict that stays while a task waits (e.g. Neutron's IpAddressGenerationFailure). */
  readonly lastingConflict: boolean
  /** The cloud refused the caller: its credentials (401) or its policy (403). No retry helps. */
  readonly refusesCaller: boolean
}

const definitive: Classification = {
  outage: false,
  transient: false,
  ambiguous: false,
  lastingConflict: false,
  refusesCaller: false
}
const noAnswer: Classification = { ...definitive, outage: true, transient: true, ambiguous: true }
const refused: Classification = { ...definitive, refusesCaller: true }

/** How each kind of OpenStack error is classified. */
export const classify = (error: OpenStackError): Classification => {
  switch (error._tag) {
    case "OpenStackServiceUnavailable":
    case "OpenStackTimeout":
      return noAnswer
    case "OpenStackConflict": {
      const lasting = error.kind !== undefined && lastingConflictKinds.has(error.kind)
      return { ...definitive, transient: !lasting, lastingConflict: lasting }
    }
    case "OpenStackUnauthorized":
    case "OpenStackForbidden":
      return refused
    case "OpenStackNotFound":
    case "OpenStackOverQuota":
    case "OpenStackBadRequest":
    case "OpenStackResourceFailed":
    case "OpenStackEndpointNotFound":
    case "OpenStackUnexpectedResponse":
      return definitive
  }
}

const classified =
  (trait: keyof Classification) =>
  (u: unknown): boolean =>
    isOpenStackError(u) && classify(u)[trait]

/** See `Classification`; false for anything that is not an OpenStack error. */
export const isOutage = classified("outage")
/** See `Classification`; false for anything that is not an OpenStack error. */
export const isTransient = classified("transient")
/** See `Classification`; false for anything that is not an OpenStack error. */
export const isAmbiguous = classified("ambiguous")
/** See `Classification`; false for anything that is not an OpenStack error. */
export const isLastingConflict = classified("lastingConflict")
/** See `Classification`; false for anything that is not an OpenStack error. */
export const refusesCaller = classified("refusesCaller")
