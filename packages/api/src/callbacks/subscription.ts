import { ErrorCode } from "@enamel/domain"
import { BadRequest, type Callbacks } from "@enamel/domain/contract"
import { CallbackStore } from "@enamel/persistence"
import { Effect, Option, Redacted } from "effect"
import { unavailable } from "../handlers/storeErrors.js"
import * as Addresses from "./addresses.js"
import { CallbackSecrets } from "./CallbackSecrets.js"

/** A callback a request asked for, checked: the secret stays redacted until it is sealed. */
export interface Requested {
  readonly url: string
  readonly secret: Redacted.Redacted<string>
  readonly stages: boolean
}

const invalid = (detail: string) => new BadRequest({ code: ErrorCode.requestInvalid, detail })

/**
 * The callback the request's headers ask for, if any, checked before the task is made: URL and secret
 * together (one alone is refused, naming the other), an http(s) URL, not to a refused literal address.
 */
export const requested = (headers: Callbacks.CallbackRequest) =>
  Effect.gen(function* () {
    const url = headers["enamel-callback-url"]
    const secret = headers["enamel-callback-secret"]
    if (url === undefined && secret === undefined) {
      if (headers["enamel-callback-events"] !== undefined) {
        return yield* invalid("Enamel-Callback-Events needs Enamel-Callback-URL and Enamel-Callback-Secret")
      }
      return Option.none<Requested>()
    }
    if (url === undefined) return yield* invalid("Enamel-Callback-Secret needs Enamel-Callback-URL")
    if (secret === undefined) return yield* invalid("Enamel-Callback-URL needs Enamel-Callback-Secret")
    const rules = yield* Effect.orDie(Addresses.Allowed)
    const refusal = Addresses.urlRefusal(rules, url)
    if (refusal !== undefined) {
      return yield* new BadRequest({ code: ErrorCode.callbackUrlNotAllowed, detail: refusal })
    }
    return Option.some<Requested>({
      url,
      secret: Redacted.make(secret),
      stages: headers["enamel-callback-events"] === "stages"
    })
  })

/**
 * Keeps the task's callback, its secret sealed. Also for a request repeated with its Idempotency-Key: the
 * first callback of a task stays, and one lost to a crash between the task and this row comes back.
 */
export const subscribe = (taskId: string, callback: Requested) =>
  Effect.gen(function* () {
    const secrets = yield* CallbackSecrets
    const store = yield* CallbackStore
    const sealedSecret = yield* Effect.mapError(secrets.seal(taskId, callback.secret), () => unavailable())
    yield* store
      .subscribe({ taskId, url: callback.url, sealedSecret, stages: callback.stages })
      .pipe(Effect.mapError(() => unavailable()))
  })
