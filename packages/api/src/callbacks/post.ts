/**
 * One callback POST, to an address checked after DNS and then pinned: the connection goes to the address
 * that was checked (the request's `lookup` answers with it), so a name that resolves elsewhere the second
 * time (DNS rebinding) cannot reach a refused address. TLS still verifies the certificate for the URL's
 * host name. The only module of the callbacks that speaks HTTP.
 */
import { lookup as dnsLookup } from "node:dns/promises"
import { request as httpRequest } from "node:http"
import { request as httpsRequest } from "node:https"
import type { LookupFunction } from "node:net"
import { Data, type Duration, Effect } from "effect"
import { type AddressRules, literalAddress } from "./addresses.js"

/** What one attempt came to. */
export type Attempt = Data.TaggedEnum<{
  /** Answered 2xx. */
  Answered: { readonly status: number }
  /** Answered otherwise, or no answer (connection refused, timeout, DNS): try again later. */
  NotDelivered: { readonly status: number | null; readonly error: string }
  /** The host is, or resolves only to, addresses the rules refuse: never tried. */
  Refused: { readonly error: string }
}>
export const Attempt = Data.taggedEnum<Attempt>()

/** The address to connect to: the URL's literal IP, or the first address DNS gives that the rules allow. */
const resolve = (rules: AddressRules, url: URL) =>
  Effect.gen(function* () {
    const literal = literalAddress(url)
    if (literal !== undefined) {
      const why = rules.refusal(literal)
      return why === undefined
        ? { address: literal, family: literal.includes(":") ? 6 : 4 }
        : Attempt.Refused({ error: why })
    }
    const found = yield* Effect.tryPromise(() => dnsLookup(url.hostname, { all: true, verbatim: true }))
    if (found.length === 0)
      return Attempt.NotDelivered({ status: null, error: `${url.hostname} has no address` })
    const allowed = found.find((a) => rules.refusal(a.address) === undefined)
    if (allowed !== undefined) return { address: allowed.address, family: allowed.family }
    const reasons = found.map((a) => rules.refusal(a.address)).join("; ")
    return Attempt.Refused({ error: `${url.hostname} resolves only to refused addresses: ${reasons}` })
  }).pipe(
    Effect.catchAll(() =>
      Effect.succeed(Attempt.NotDelivered({ status: null, error: `cannot resolve ${url.hostname}` }))
    )
  )

/** Node's `lookup`, answering every question with the one checked address. */
const pinned =
  (address: string, family: number): LookupFunction =>
  (_hostname, options, callback) => {
    if (options.all === true) callback(null, [{ address, family }])
    else callback(null, address, family)
  }

/** POSTs `body` with `headers` to `target`, within `timeout`. Never fails: every outcome is an Attempt. */
export const post = (
  rules: AddressRules,
  target: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeout: Duration.Duration
): Effect.Effect<Attempt> =>
  Effect.gen(function* () {
    if (!URL.canParse(target)) return Attempt.Refused({ error: "not a URL" })
    const url = new URL(target)
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return Attempt.Refused({ error: `${url.protocol} is not http or https` })
    }
    const resolved = yield* resolve(rules, url)
    if ("_tag" in resolved) return resolved
    const send = url.protocol === "https:" ? httpsRequest : httpRequest
    return yield* Effect.async<Attempt>((resume, signal) => {
      const request = send(url, {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned(resolved.address, resolved.family),
        signal
      })
      request.on("response", (response) => {
        const status = response.statusCode ?? 0
        response.resume()
        resume(
          Effect.succeed(
            status >= 200 && status < 300
              ? Attempt.Answered({ status })
              : Attempt.NotDelivered({ status, error: `answered ${status}` })
          )
        )
      })
      request.on("error", (error) =>
        resume(Effect.succeed(Attempt.NotDelivered({ status: null, error: error.message })))
      )
      request.end(body)
    }).pipe(
      Effect.timeoutTo({
        duration: timeout,
        onTimeout: () => Attempt.NotDelivered({ status: null, error: "no answer in time" }),
        onSuccess: (attempt) => attempt
      })
    )
  })
