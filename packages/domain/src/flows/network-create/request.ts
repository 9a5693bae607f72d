/** What a `network.create` task is given (`POST /networks`) and gives back. */
import { Schema } from "effect"
import * as Input from "../../contract/input.js"
import { Text } from "../../contract/text.js"
import { cidrProblem, parseCidr } from "../cloud/cidr.js"
import { isAddress } from "../cloud/ipAddress.js"

export const type = "network.create"

const NameOrId = Text.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(255))

/** A network address with its prefix, e.g. `10.0.5.0/24` or `fd00:5::/64`. */
const Cidr = Schema.String.pipe(
  Schema.filter((text) => cidrProblem(text) ?? true),
  Schema.annotations({
    title: "a network address with its prefix length (CIDR)",
    description: "e.g. 10.0.5.0/24 or fd00:5::/64"
  })
)

const IpAddress = Schema.String.pipe(
  Schema.filter((text) => isAddress(text) || "must be an IPv4 or IPv6 address"),
  Schema.annotations({ title: "an IPv4 or IPv6 address" })
)

/**
 * `POST /networks`: a network with one subnet, routed to an external network. Read as a body
 * (`Input.body`): an unknown field is refused, naming it. IPv6 needs a CIDR (no prefix is picked).
 */
export const CreateNetworkRequest = Input.body(
  Schema.Struct({
    name: NameOrId.annotations({
      description: "the network's name; its subnet and router are named <name>-subnet and <name>-router"
    }),
    cidr: Schema.optional(
      Cidr.annotations({
        description:
          "the subnet's CIDR; by default the first /24 of 10.0.0.0/8 that no subnet of the project overlaps (IPv4 only)"
      })
    ),
    external_network: Schema.optional(
      NameOrId.annotations({
        description:
          "the external network (name or id) the router's gateway is on; by default ENAMEL_DEFAULT_EXTERNAL_NETWORK, else the only external network the project sees"
      })
    ),
    dns_nameservers: Schema.optional(
      Schema.Array(IpAddress)
        .pipe(Schema.maxItems(5))
        .annotations({ description: "the subnet's DNS servers" })
    ),
    ip_version: Schema.optionalWith(Schema.Literal(4, 6), { default: () => 4 }),
    priority: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 9)), { default: () => 5 })
  }).pipe(
    Schema.filter((request) => {
      if (request.cidr === undefined) {
        return (
          request.ip_version === 4 || {
            path: ["cidr"],
            message: "is required with ip_version 6 (Enamel picks a free /24 for IPv4 only)"
          }
        )
      }
      const parsed = parseCidr(request.cidr)
      const version = parsed?.version
      if (parsed !== undefined && parsed.version === 4 && parsed.prefix > 29) {
        return {
          path: ["cidr"],
          message: `/${parsed.prefix} leaves no room for the gateway, DHCP and servers: give /29 or wider`
        }
      }
      return (
        version === undefined ||
        version === request.ip_version || {
          path: ["cidr"],
          message: `${request.cidr} is an IPv${version} network, but ip_version is ${request.ip_version}`
        }
      )
    }),
    Schema.filter((request) => {
      const mixed = (request.dns_nameservers ?? []).find(
        (address) => (address.includes(":") ? 6 : 4) !== request.ip_version
      )
      return (
        mixed === undefined || {
          path: ["dns_nameservers"],
          message: `${mixed} is not an IPv${request.ip_version} address, as the subnet is`
        }
      )
    })
  )
)
export type CreateNetworkRequest = typeof CreateNetworkRequest.Type

/** What the task made. (The router's gateway port is seen by admins only, so it is not named.) */
export const CreateNetworkResult = Schema.Struct({
  network_id: Schema.String,
  subnet_id: Schema.String,
  router_id: Schema.String,
  interface_port_id: Schema.String,
  cidr: Schema.String
})
export type CreateNetworkResult = typeof CreateNetworkResult.Type
