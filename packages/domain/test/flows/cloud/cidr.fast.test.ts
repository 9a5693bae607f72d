/** CIDRs as `network.create` reads them: what is one, what overlaps, and the first free /24 of 10.0.0.0/8. */
import { describe, expect, it } from "@effect/vitest"
import { cidrProblem, cidrsOverlap, firstFree24, parseCidr } from "../../../src/flows/cloud/cidr.js"

describe("CIDRs", () => {
  it.each([
    ["10.0.1.0/24", 4, 24],
    ["0.0.0.0/0", 4, 0],
    ["192.168.7.64/26", 4, 26],
    ["fd00:1::/64", 6, 64],
    ["2001:db8::/32", 6, 32]
  ] as const)("%s is an IPv%i network with a /%i prefix", (text, version, prefix) => {
    expect(parseCidr(text)).toMatchObject({ version, prefix })
    expect(cidrProblem(text)).toBeUndefined()
  })

  it.each([
    ["10.0.1.5/24", "10.0.1.5/24 is not a network address: the bits after the prefix must be zero"],
    ["10.0.1.0", "10.0.1.0 has no prefix length (e.g. 10.0.1.0/24)"],
    ["10.0.1.0/33", "/33 is not a prefix length of an IPv4 address"],
    ["10.0.1.0/2x", "/2x is not a prefix length of an IPv4 address"],
    ["10.0.300.0/24", "10.0.300.0 is not an IPv4 or IPv6 address"],
    ["fd00::1/64", "fd00::1/64 is not a network address: the bits after the prefix must be zero"],
    ["fd00::/129", "/129 is not a prefix length of an IPv6 address"],
    ["10.0.1.0/24/8", "10.0.1.0/24/8 is not a network address: the bits after the prefix must be zero"]
  ])("%s is refused: %s", (text, problem) => {
    expect(parseCidr(text)).toBeUndefined()
    expect(cidrProblem(text)).toBe(problem)
  })

  it("overlap: one holds the other, never across versions", () => {
    expect(cidrsOverlap("10.0.0.0/16", "10.0.1.0/24")).toBe(true)
    expect(cidrsOverlap("10.0.1.128/25", "10.0.1.0/24")).toBe(true)
    expect(cidrsOverlap("10.0.1.0/24", "10.0.2.0/24")).toBe(false)
    expect(cidrsOverlap("fd00::/8", "fd00:1::/64")).toBe(true)
    expect(cidrsOverlap("fd00:1::/64", "fd00:2::/64")).toBe(false)
    expect(cidrsOverlap("0.0.0.0/0", "::/0")).toBe(false)
  })

  it("the first free /24 of 10.0.0.0/8 skips what overlaps, whatever its size or version", () => {
    expect(firstFree24([])).toBe("10.0.0.0/24")
    expect(firstFree24(["10.0.1.0/24", "10.0.3.0/24"])).toBe("10.0.0.0/24")
    expect(firstFree24(["10.0.0.0/23", "fd00::/64", "172.24.4.0/24"])).toBe("10.0.2.0/24")
    expect(firstFree24(["10.0.0.0/22", "10.0.4.128/25"])).toBe("10.0.5.0/24")
    expect(firstFree24(["10.0.0.0/9"])).toBe("10.128.0.0/24")
    expect(firstFree24(["10.0.0.0/8"])).toBeUndefined()
  })
})
