import { Either } from "effect"
import { type UsageError, usage } from "./UsageError.js"

/**
 * The `openstack`-style flag values `HEAD[,key=value]…` that `--network` and `--boot-volume` take: the
 * head, then each `key=value` in order. Keys are checked against `known` here, once, with a hint.
 */
export interface Parsed {
  readonly head: string
  readonly pairs: ReadonlyArray<readonly [key: string, value: string]>
}

export const parseHeadAndPairs = (
  flag: string,
  text: string,
  known: ReadonlyArray<string>,
  example: string
): Either.Either<Parsed, UsageError> => {
  const [head = "", ...rest] = text.split(",")
  const shape = `${flag} ${text}: `
  if (head.trim() === "") return Either.left(usage(`${shape}starts with nothing; write it as ${example}`))
  if (head.includes("=")) {
    return Either.left(usage(`${shape}"${head}" must come first without a key; write it as ${example}`))
  }
  const pairs: Array<readonly [string, string]> = []
  for (const part of rest) {
    const at = part.indexOf("=")
    if (part === "") return Either.left(usage(`${shape}an empty part between commas`))
    if (at <= 0) return Either.left(usage(`${shape}"${part}" is not key=value (keys: ${known.join(", ")})`))
    const key = part.slice(0, at)
    const value = part.slice(at + 1)
    if (!known.includes(key)) {
      return Either.left(usage(`${shape}unknown key "${key}" (keys: ${known.join(", ")})`))
    }
    if (value === "") return Either.left(usage(`${shape}${key}= has no value`))
    pairs.push([key, value])
  }
  return Either.right({ head: head.trim(), pairs })
}

/** The one value of `key`, if given; giving it twice is refused. */
export const single = (
  flag: string,
  text: string,
  parsed: Parsed,
  key: string
): Either.Either<string | undefined, UsageError> => {
  const values = parsed.pairs.filter(([k]) => k === key).map(([, v]) => v)
  return values.length > 1
    ? Either.left(usage(`${flag} ${text}: ${key}= is given ${values.length} times; give it once`))
    : Either.right(values[0])
}
