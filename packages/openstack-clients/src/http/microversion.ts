import { Either, Option, Schema } from "effect"

/**
 * The microversion range a client understands, e.g. Nova `2.60`..`2.93`. We send the highest version both
 * we and the cloud support, so that new fields appear and old behaviour is pinned.
 */
export interface MicroversionRange {
  /** The name in `OpenStack-API-Version: <service> X.Y` (`compute`, `volume`). */
  readonly headerService: string
  readonly minimum: string
  readonly maximum: string
}

interface Version {
  readonly major: number
  readonly minor: number
}

export const parseVersion = (text: string): Option.Option<Version> => {
  const match = /^(\d+)\.(\d+)$/.exec(text.trim())
  return match === null ? Option.none() : Option.some({ major: Number(match[1]), minor: Number(match[2]) })
}

const compare = (a: Version, b: Version): number =>
  a.major === b.major ? a.minor - b.minor : a.major - b.major

const format = (v: Version): string => `${v.major}.${v.minor}`

const VersionEntry = Schema.Struct({
  id: Schema.String,
  status: Schema.optional(Schema.String),
  version: Schema.optionalWith(Schema.String, { default: () => "" }),
  min_version: Schema.optionalWith(Schema.String, { default: () => "" })
})
type VersionEntry = typeof VersionEntry.Type

/** A version document: `{"version": {...}}` at a version root, `{"versions": [...]}` at the service root. */
export const VersionDocument = Schema.Union(
  Schema.Struct({ version: VersionEntry }),
  Schema.Struct({ versions: Schema.Array(VersionEntry) })
)
export type VersionDocument = typeof VersionDocument.Type

/** The version root of an endpoint: `http://h:8776/v3/<project>` → `http://h:8776/v3/`. */
export const versionRootOf = (endpoint: string): string => {
  const url = new URL(endpoint)
  const match = /^(.*?\/v\d+(?:\.\d+)?)(?:\/|$)/.exec(url.pathname)
  url.pathname = match?.[1] === undefined ? "/" : `${match[1]}/`
  url.search = ""
  return url.toString()
}

const majorOf = (root: string): string | undefined =>
  /\/v(\d+)(?:\.\d+)?\/$/.exec(new URL(root).pathname)?.[1]

const pickEntry = (document: VersionDocument, root: string): VersionEntry | undefined => {
  if ("version" in document) return document.version
  const major = majorOf(root)
  const sameMajor = document.versions.filter(
    (v) => major === undefined || v.id.replace(/^v/, "").split(".")[0] === major
  )
  return (
    sameMajor.find((v) => v.status === "CURRENT" && v.version !== "") ??
    sameMajor.find((v) => v.version !== "")
  )
}

/**
 * The microversion to use against a cloud whose version document is given, or the reason there is none
 * (the cloud's range and ours do not overlap).
 */
export const negotiate = (
  range: MicroversionRange,
  document: VersionDocument,
  root: string
): Either.Either<string, string> => {
  const entry = pickEntry(document, root)
  const ours = Option.all([parseVersion(range.minimum), parseVersion(range.maximum)])
  if (Option.isNone(ours)) return Either.left(`invalid microversion range ${range.minimum}..${range.maximum}`)
  const [ourMin, ourMax] = ours.value
  const theirMax = parseVersion(entry?.version ?? "")
  if (Option.isNone(theirMax)) {
    return Either.left(
      `${root} does not support microversions; ${range.headerService} ${range.minimum} is needed`
    )
  }
  const theirMin = Option.getOrElse(parseVersion(entry?.min_version ?? ""), () => theirMax.value)
  const chosen = compare(theirMax.value, ourMax) < 0 ? theirMax.value : ourMax
  const floor = compare(theirMin, ourMin) > 0 ? theirMin : ourMin
  if (compare(chosen, floor) < 0) {
    return Either.left(
      `${root} supports ${range.headerService} ${format(theirMin)}..${format(theirMax.value)}; ` +
        `we need ${range.minimum}..${range.maximum}`
    )
  }
  return Either.right(format(chosen))
}
