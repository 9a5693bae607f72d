/** IPv4 and IPv6 addresses as numbers, to tell which subnet holds a requested fixed IP. */

const parseV4 = (text: string): bigint | undefined => {
  const parts = text.split(".")
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const part of parts) {
    const byte = Number(part)
    if (!/^\d{1,3}$/.test(part) || byte > 255) return undefined
    value = (value << 8n) | BigInt(byte)
  }
  return value
}

const parseV6 = (written: string): bigint | undefined => {
  // An IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
  const lastColon = written.lastIndexOf(":")
  const last = written.slice(lastColon + 1)
  const v4 = last.includes(".") ? parseV4(last) : undefined
  if (last.includes(".") && (v4 === undefined || lastColon < 0)) return undefined
  const text =
    v4 === undefined
      ? written
      : `${written.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const groups = (half: string | undefined) => (half === undefined || half === "" ? [] : half.split(":"))
  const head = groups(halves[0])
  const tail = groups(halves[1])
  const missing = 8 - head.length - tail.length
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined
  let value = 0n
  for (const group of [...head, ...Array<string>(missing).fill("0"), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
    value = (value << 16n) | BigInt(Number.parseInt(group, 16))
  }
  return value
}

/** The address as a number, with its width in bits (32 or 128); undefined when it is not an address. */
export const parseAddress = (text: string): { readonly value: bigint; readonly bits: bigint } | undefined => {
  const v4 = parseV4(text)
  if (v4 !== undefined) return { value: v4, bits: 32n }
  const v6 = parseV6(text)
  return v6 === undefined ? undefined : { value: v6, bits: 128n }
}

/** Whether `address` lies in `cidr` (`10.0.1.0/24`, `fd00::/64`); false for a malformed or mixed pair. */
export const contains = (cidr: string, address: string): boolean => {
  const [base, length] = cidr.split("/")
  const network = base === undefined ? undefined : parseAddress(base)
  const host = parseAddress(address)
  if (network === undefined || host === undefined || network.bits !== host.bits) return false
  const prefix = BigInt(Number(length ?? network.bits))
  const shift = network.bits - prefix
  return network.value >> shift === host.value >> shift
}

/** Whether the text is an IPv4 or IPv6 address (no prefix length, no zone). */
export const isAddress = (text: string): boolean => parseAddress(text) !== undefined
