/**
 * Fault injection: rules that pick calls (service, method, path, anything else about the call, the n-th
 * match) and what happens to them instead of the usual answer.
 */
import { Effect, Ref } from "effect"
import type { HttpCall, HttpMethod } from "../http/HttpTransport.js"
import { type CloudCall, parseCall, type ServiceName } from "./http.js"

/** Answered with this status and the service's own error body; the call never reaches the cloud. */
export interface Status {
  readonly _tag: "Status"
  readonly status: number
  /** The service's message; a usual one for the status when absent. */
  readonly message?: string
  /** Neutron's `type`, Nova's and Cinder's fault key, Keystone's title. */
  readonly kind?: string
}
/** Over quota, as the service says it (Nova 403, Cinder 413, Neutron 409 OverQuota); nothing happens. */
export interface OverQuota {
  readonly _tag: "OverQuota"
}
/** The connection drops before the request arrives (connection refused or reset). */
export interface Disconnect {
  readonly _tag: "Disconnect"
}
/**
 * The request never arrives and no answer comes: the client's request timeout ends the call. (Not inside
 * an uninterruptible region, such as a flow stage's body: there the timeout cannot cut the call off.)
 */
export interface NoAnswer {
  readonly _tag: "NoAnswer"
}
/** What a client sees instead of the answer to a call that landed. */
export type LostAs = Status | Disconnect | NoAnswer
/** The call lands (the change happens), then the answer is lost: the client sees `as` instead. */
export interface Lost {
  readonly _tag: "Lost"
  readonly as: LostAs
}
/** The call lands; the server or volume it creates ends in ERROR / `error` with this reason. */
export interface ErrorState {
  readonly _tag: "ErrorState"
  readonly message: string
}

export type FaultAnswer = Status | OverQuota | Disconnect | NoAnswer | Lost | ErrorState

export const status = (code: number, message?: string, kind?: string): Status => ({
  _tag: "Status",
  status: code,
  ...(message === undefined ? {} : { message }),
  ...(kind === undefined ? {} : { kind })
})
export const overQuota: OverQuota = { _tag: "OverQuota" }
export const disconnect: Disconnect = { _tag: "Disconnect" }
export const noAnswer: NoAnswer = { _tag: "NoAnswer" }
/** Lands, then the client sees `as` (by default: the connection drops before the answer arrives). */
export const lost = (as: LostAs = disconnect): Lost => ({ _tag: "Lost", as })
export const errorState = (message: string): ErrorState => ({ _tag: "ErrorState", message })

/** Which calls a rule is about; every field given must hold. */
export interface CallPattern {
  readonly service?: ServiceName
  readonly method?: HttpMethod
  /**
   * The path below the service's version root (`/servers`, `/ports/<id>/tags`, `/volumes`, `/images`,
   * `/auth/tokens`): exactly, with `*` for one segment (`/servers/*`), or a RegExp.
   */
  readonly path?: string | RegExp
  /** Anything else, e.g. a stage's token in the body: `(call) => call.bodyText.includes(token)`. */
  readonly where?: (call: CloudCall) => boolean
}

export interface FaultRule extends CallPattern {
  /** Only the n-th matching call (1 is the first); every matching call when absent. */
  readonly nth?: number
  readonly answer: FaultAnswer
}

const segmentPattern = (path: string) =>
  new RegExp(
    `^${path
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]+")}$`
  )

export const matches = (pattern: CallPattern, call: CloudCall): boolean =>
  (pattern.service === undefined || pattern.service === call.service) &&
  (pattern.method === undefined || pattern.method === call.method) &&
  (pattern.path === undefined ||
    (typeof pattern.path === "string" ? segmentPattern(pattern.path) : pattern.path).test(call.path)) &&
  (pattern.where === undefined || pattern.where(call))

/**
 * A counter of the calls a pattern matches: answers, for each call, whether it is one the pattern picks
 * (the n-th match when `nth` is given, else every match). For harnesses that act on calls themselves,
 * e.g. a process that dies once a create has reached the cloud.
 */
export const makeMatcher = (pattern: CallPattern & { readonly nth?: number }) =>
  Effect.map(Ref.make(0), (seen) => (call: HttpCall) => {
    const parsed = parseCall(call)
    if (parsed === undefined || !matches(pattern, parsed)) return Effect.succeed(false)
    return Ref.modify(seen, (n): [boolean, number] => [
      pattern.nth === undefined || pattern.nth === n + 1,
      n + 1
    ])
  })

/** A rule in force: how often it fired, and a way to lift it. */
export interface InjectedFault {
  readonly fired: Effect.Effect<number>
  readonly remove: Effect.Effect<void>
}
