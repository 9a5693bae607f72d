import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import { Either } from "effect"

const version = "v1"

/**
 * AES-256-GCM with a fresh 96-bit nonce per secret; the secret's id is authenticated with it, so a
 * sealed value moved to another id is refused like a tampered one. Text: `v1:<base64 nonce|tag|ciphertext>`.
 */
export const seal = (masterKey: Uint8Array, id: string, plaintext: string): string => {
  const nonce = randomBytes(12)
  const cipher = createCipheriv("aes-256-gcm", masterKey, nonce).setAAD(Buffer.from(id))
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  return `${version}:${Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]).toString("base64")}`
}

/** The plaintext, or why not: a wrong master key, a changed value, or a value sealed for another id. */
export const unseal = (masterKey: Uint8Array, id: string, sealed: string): Either.Either<string, string> => {
  const [tag, body] = sealed.split(":")
  if (tag !== version || body === undefined) return Either.left("not a sealed secret of a known version")
  const bytes = Buffer.from(body, "base64")
  if (bytes.length < 28) return Either.left("sealed secret too short")
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, bytes.subarray(0, 12))
      .setAAD(Buffer.from(id))
      .setAuthTag(bytes.subarray(12, 28))
    return Either.right(
      Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8")
    )
  } catch {
    return Either.left("the secret does not authenticate: wrong master key, or altered")
  }
}
