import { Schema } from "effect"

/** Whether PostgreSQL can store the string (in text and jsonb): no NUL, no lone UTF-16 surrogate. */
export const storable = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i)
    if (unit === 0) return false
    if (unit >= 0xdc00 && unit <= 0xdfff) return false
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i++
    }
  }
  return true
}

/**
 * A string from a client that Enamel stores: the fuzzer found that a NUL or a lone surrogate made
 * PostgreSQL refuse the statement (a 503 for a client's mistake). Refused here, naming the field.
 */
export const Text = Schema.String.pipe(
  Schema.filter((s) => storable(s) || "must be text without NUL characters or unpaired surrogates")
)
