/**
 * Network addresses with a prefix (`10.0.1.0/24`, `fd00:1::/64`): whether a text is one, whether two
 * overlap, and the first free /24 of 10.0.0.0/8 beside the subnets a project has.
 */
import { parseAddress } from "./ipAddress.js"

export interface Cidr {
  readonly version: 4 | 6
  /** The network address as a number. */
  readonly value: bigint
  readonly prefix: number
  /** The address's width in bits: 32 or 128. */
  readonly bits: number
}

/**
 * The CIDR, when the text is a network address with its prefix length (no host bits set: `10.0.1.5/24`
 * is not one); undefined otherwise.
 */
export const parseCidr = (text: string): Cidr | undefined => {
  const [base, length, ...rest] = text.split("/")
  if (base === undefined || length === undefined || rest.length > 0 || !/^\d{1,3}$/.test(length)) {
    return undefined
  }
  const address = parseAddress(base)
  const prefix = Number(length)
  if (address === undefined || prefix > Number(address.bits)) return undefined
  const hostBits = address.bits - BigInt(prefix)
  if ((address.value & ((1n << hostBits) - 1n)) !== 0n) return undefined
  return {
    version: address.bits === 32n ? 4 : 6,
    value: address.value,
    prefix,
    bits: Number(address.bits)
  }
}

/** Why the text is not a CIDR, in a person's words; undefined when it is one. */
export const cidrProblem = (text: string): string | undefined => {
  if (parseCidr(text) !== undefined) return undefined
  const [base, length] = text.split("/")
  if (length === undefined) return `${text} has no prefix length (e.g. 10.0.1.0/24)`
  const address = base === undefined ? undefined : parseAddress(base)
  if (address === undefined) return `${base} is not an IPv4 or IPv6 address`
  if (!/^\d{1,3}$/.test(length) || Number(length) > Number(address.bits)) {
    return `/${length} is not a prefix length of an IPv${address.bits === 32n ? 4 : 6} address`
  }
  return `${text} is not a network address: the bits after the prefix must be zero`
}

/** Whether two CIDRs share an address (one holds the other); never across IP versions. */
export const overlaps = (a: Cidr, b: Cidr): boolean => {
  if (a.bits !== b.bits) return false
  const shift = BigInt(a.bits - Math.min(a.prefix, b.prefix))
  return a.value >> shift === b.value >> shift
}

/** Whether two CIDR texts overlap (false when either is not a CIDR). */
export const cidrsOverlap = (a: string, b: string): boolean => {
  const left = parseCidr(a)
  const right = parseCidr(b)
  return left !== undefined && right !== undefined && overlaps(left, right)
}

const v4 = (value: bigint) =>
  [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".")

/** Where a network is made when the request gives no CIDR: a /24 of 10.0.0.0/8. */
export const automaticPool = "10.0.0.0/8"
const poolStart = 10n << 24n
const poolSize = 1n << 16n

/**
 * The first /24 of 10.0.0.0/8 (10.0.0.0/24, 10.0.1.0/24, …) that overlaps none of `used` (CIDR texts:
 * the project's subnets); undefined when every one does.
 */
export const firstFree24 = (used: ReadonlyArray<string>): string | undefined => {
  const taken = used.flatMap((text) => {
    const cidr = parseCidr(text)
    return cidr === undefined || cidr.version !== 4 ? [] : [cidr]
  })
  for (let index = 0n; index < poolSize; index++) {
    const candidate: Cidr = { version: 4, value: poolStart + (index << 8n), prefix: 24, bits: 32 }
    if (!taken.some((cidr) => overlaps(cidr, candidate))) return `${v4(candidate.value)}/24`
  }
  return undefined
}
