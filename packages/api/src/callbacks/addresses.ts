/**
 * Where a callback may go (no SSRF): only http and https, and never to an address of the deployment's
 * own networks — loopback, link-local, private, shared (CGNAT), unspecified, multicast (also written as
 * IPv4-mapped IPv6) —
 * unless the operator allows it with ENAMEL_CALLBACK_ALLOW (CIDRs). Checked when the request is accepted
 * (a literal IP), and again at every delivery on the address DNS gave, which is then the one connected to.
 */
import { BlockList, isIP } from "node:net"
import { Config, ConfigError, Either } from "effect"

/** A range refused by default, and what to call it in a refusal. */
const refusedRanges: ReadonlyArray<readonly [cidr: string, why: string]> = [
  ["0.0.0.0/8", "an unspecified address"],
  ["127.0.0.0/8", "a loopback address"],
  ["169.254.0.0/16", "a link-local address"],
  ["10.0.0.0/8", "a private address"],
  ["172.16.0.0/12", "a private address"],
  ["192.168.0.0/16", "a private address"],
  ["100.64.0.0/10", "a shared (CGNAT) address"],
  ["224.0.0.0/4", "a multicast address"],
  ["240.0.0.0/4", "a reserved address"],
  ["::/128", "an unspecified address"],
  ["::1/128", "a loopback address"],
  ["fe80::/10", "a link-local address"],
  ["fc00::/7", "a private (unique local) address"],
  ["ff00::/8", "a multicast address"]
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 address it is: BlockList does so.
]

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address, as ENAMEL_CALLBACK_ALLOW lists them. */
export interface Cidr {
  readonly address: string
  readonly prefix: number
  readonly family: "ipv4" | "ipv6"
}

export const parseCidr = (text: string): Either.Either<Cidr, string> => {
  const [address = "", prefixText, ...rest] = text.trim().split("/")
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return Either.left(`${text} is not an address or a CIDR`)
  const max = version === 4 ? 32 : 128
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText ?? "0").trim() === "") {
    return Either.left(`${text}: the prefix must be 0–${max}`)
  }
  return Either.right({ address, prefix, family: version === 4 ? "ipv4" : "ipv6" })
}

const blockListOf = (cidrs: ReadonlyArray<Cidr>) => {
  const list = new BlockList()
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family)
  return list
}

const refused = refusedRanges.map(([cidr, why]) => {
  const parsed = Either.getOrThrow(parseCidr(cidr))
  return { list: blockListOf([parsed]), why }
})

/** The rules of one deployment: the default refusals, less what the operator allows. */
export interface AddressRules {
  /** Why the address is refused, or undefined when a callback may go there. */
  readonly refusal: (address: string) => string | undefined
}

export const rules = (allowed: ReadonlyArray<Cidr>): AddressRules => {
  const allow = blockListOf(allowed)
  return {
    refusal: (address) => {
      const version = isIP(address)
      if (version === 0) return `${address} is not an IP address`
      const family = version === 4 ? "ipv4" : "ipv6"
      if (allow.check(address, family)) return undefined
      const hit = refused.find((range) => range.list.check(address, family))
      return hit === undefined ? undefined : `${address} is ${hit.why} (not in ENAMEL_CALLBACK_ALLOW)`
    }
  }
}

/** ENAMEL_CALLBACK_ALLOW (none): CIDRs callbacks may reach although refused by default, e.g. `127.0.0.0/8`. */
export const Allowed = Config.string("ENAMEL_CALLBACK_ALLOW").pipe(
  Config.withDefault(""),
  Config.mapOrFail((text) => {
    const cidrs: Array<Cidr> = []
    for (const item of text.split(",").filter((part) => part.trim() !== "")) {
      const parsed = parseCidr(item)
      if (Either.isLeft(parsed)) {
        return Either.left(ConfigError.InvalidData(["ENAMEL_CALLBACK_ALLOW"], parsed.left))
      }
      cidrs.push(parsed.right)
    }
    return Either.right(rules(cidrs))
  })
)

/** A URL's host as an address, when it is a literal IP (`[::1]` loses its brackets); else undefined. */
export const literalAddress = (url: URL): string | undefined => {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  return isIP(host) === 0 ? undefined : host
}

/**
 * Why a callback URL is refused when a request carries it, or undefined: not a URL, not http(s), or a
 * literal IP the rules refuse (a host name is checked after DNS, at delivery).
 */
export const urlRefusal = (rules: AddressRules, text: string): string | undefined => {
  if (!URL.canParse(text)) return "Enamel-Callback-URL is not a URL"
  const url = new URL(text)
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `Enamel-Callback-URL must be http or https, not ${url.protocol.slice(0, -1)}`
  }
  if (url.username !== "" || url.password !== "") {
    return "Enamel-Callback-URL must not carry credentials (sign with Enamel-Callback-Secret)"
  }
  const address = literalAddress(url)
  const why = address === undefined ? undefined : rules.refusal(address)
  return why === undefined ? undefined : `Enamel-Callback-URL is refused: ${why}`
}
