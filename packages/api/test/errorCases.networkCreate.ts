/** The error cases of `POST /networks`, rows of the table in `errorCases.ts`. */
import { ErrorCode } from "@enamel/domain"
import type { ErrorCase } from "./errorCases.js"
import { tokens } from "./harness.js"

export const networkCreateErrorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "a network without its name",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { cidr: "10.9.0.0/24" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "name"
  },
  {
    name: "a network with a field the API does not have",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", subnet_pool: "default" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "subnet_pool"
  },
  {
    name: "a CIDR with host bits set",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", cidr: "10.9.0.1/24" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "10.9.0.1/24 is not a network address"
  },
  {
    name: "a CIDR without its prefix length",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", cidr: "10.9.0.0" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "10.9.0.0 has no prefix length"
  },
  {
    name: "an IPv6 CIDR for an IPv4 network",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", cidr: "fd00:9::/64" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "fd00:9::/64 is an IPv6 network, but ip_version is 4"
  },
  {
    name: "an IPv6 network without a CIDR",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", ip_version: 6 },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "cidr"
  },
  {
    name: "an IP version that is neither 4 nor 6",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", ip_version: 5 },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "ip_version"
  },
  {
    name: "a DNS server that is not an address",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", dns_nameservers: ["dns.example.com"] },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "dns_nameservers"
  },
  {
    name: "an external network that does not exist",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", external_network: "nowhere" },
    status: 404,
    code: ErrorCode.networkExternalNotFound,
    detail: "external network nowhere not found"
  },
  {
    name: "an external network that is not external",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", external_network: "private" },
    status: 409,
    code: ErrorCode.networkNotExternal,
    mentions: "network private ("
  },
  {
    name: "a CIDR that overlaps a subnet of the project",
    method: "POST",
    path: "/networks",
    token: tokens.alice,
    body: { name: "net", cidr: "10.0.1.128/25" },
    status: 409,
    code: ErrorCode.networkCidrOverlaps,
    mentions: "10.0.1.128/25 overlaps subnet private-subnet"
  }
]
