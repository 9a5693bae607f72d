import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** `NetworkNotFound` is shared with `GET /networks/{id}` (`cloud/networkErrors.ts`). */
export { NetworkNotFound } from "../cloud/networkErrors.js"

export class NetworkNotDeletable extends Schema.TaggedError<NetworkNotDeletable>()(
  "NetworkNotDeletable",
  { networkId: Schema.String, why: Schema.Literal("external", "shared") },
  { description: "The network is external, or another project's shared network" }
) {
  readonly code = ErrorCode.networkNotDeletable
  override get message(): string {
    return this.why === "external"
      ? `network ${this.networkId} is an external network; Enamel deletes only the project's own networks`
      : `network ${this.networkId} is another project's shared network; Enamel deletes only the project's own networks`
  }
}

/** A port that keeps the network in use: not a router's interface or gateway, nor DHCP's. */
export const UsingPort = Schema.Struct({
  id: Schema.String,
  device_owner: Schema.String,
  device_id: Schema.String
})
export type UsingPort = typeof UsingPort.Type

const describePort = (port: UsingPort) => {
  const owner = port.device_owner === "" ? "no device owner" : port.device_owner
  const device = port.device_id === "" ? "no device" : `device ${port.device_id}`
  return `${port.id} (${owner}, ${device})`
}

export class NetworkInUse extends Schema.TaggedError<NetworkInUse>()(
  "NetworkInUse",
  { networkId: Schema.String, ports: Schema.Array(UsingPort) },
  { description: "Ports other than the routers' interfaces and gateway and DHCP's still use the network" }
) {
  readonly code = ErrorCode.networkInUse
  override get message(): string {
    return (
      `network ${this.networkId} is still used by ports ${this.ports.map(describePort).join(", ")}; ` +
      "remove them first (delete the servers, or the ports); nothing was deleted"
    )
  }
}
