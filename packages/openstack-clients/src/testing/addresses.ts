/** IPv4 addresses as the double hands them out: from a subnet's pool, the lowest free one first. */
import type { Subnet } from "./state.js"

export const ipToNumber = (address: string): number =>
  address.split(".").reduce((value, part) => value * 256 + Number(part), 0)

export const numberToIp = (value: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".")

export const inCidr = (cidr: string, address: string): boolean => {
  const [base = "", bits = "32"] = cidr.split("/")
  const size = 2 ** (32 - Number(bits))
  const start = ipToNumber(base)
  const value = ipToNumber(address)
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && value >= start && value < start + size
}

/** The next free address of the subnet's pool, taken; undefined when the pool is used up. */
export const allocateAddress = (subnet: Subnet): string | undefined => {
  for (let value = subnet.pool.start; value <= subnet.pool.end; value++) {
    const address = numberToIp(value)
    if (!subnet.allocated.has(address)) {
      subnet.allocated.add(address)
      return address
    }
  }
  return undefined
}

export const macAddress = (): string =>
  `fa:16:3e:${Array.from({ length: 3 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0")
  ).join(":")}`
