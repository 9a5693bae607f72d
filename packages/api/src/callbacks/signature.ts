import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * `Enamel-Signature`: `sha256=` and the lower-case hex HMAC-SHA256 of the body's exact bytes, keyed with
 * the request's Enamel-Callback-Secret (UTF-8). A receiver computes the same over the bytes it received
 * (before parsing them) and compares in constant time (`verify`).
 */
export const sign = (secret: string, body: string): string =>
  `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`

/** Whether `signature` is the body's under `secret` (constant time): what a receiver does. */
export const verify = (secret: string, body: string, signature: string): boolean => {
  const expected = Buffer.from(sign(secret, body))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
