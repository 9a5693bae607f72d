import { Effect, Schema } from "effect"
import type { ServiceApi } from "../http/ServiceApi.js"
import { segment } from "../http/url.js"

/** A port attached to a server, as Nova's `os-interface` shows it. */
export const InterfaceAttachment = Schema.Struct({
  portId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("port_id")),
  networkId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("net_id")),
  fixedIps: Schema.optionalWith(
    Schema.Array(
      Schema.Struct({
        subnetId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("subnet_id")),
        ipAddress: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("ip_address"))
      })
    ),
    { default: () => [] }
  ).pipe(Schema.fromKey("fixed_ips")),
  portState: Schema.optional(Schema.String).pipe(Schema.fromKey("port_state"))
})
export type InterfaceAttachment = typeof InterfaceAttachment.Type

const AttachmentBody = Schema.Struct({ interfaceAttachment: InterfaceAttachment })
const AttachmentsBody = Schema.Struct({ interfaceAttachments: Schema.Array(InterfaceAttachment) })

export const makeInterfaceAttachmentOperations = (api: ServiceApi) => {
  const path = (serverId: string) => `servers/${segment(serverId)}/os-interface`

  /**
   * Attaches an existing port to the server; Nova answers once the port is bound. 409 while the server
   * has a task state (another interface attach or detach under way).
   */
  const attachInterface = Effect.fn("Nova.attachInterface")(function* (serverId: string, portId: string) {
    const body = yield* api.json(
      { method: "POST", path: path(serverId), json: { interfaceAttachment: { port_id: portId } } },
      AttachmentBody
    )
    return body.interfaceAttachment
  })

  /** The ports attached to the server. */
  const listInterfaces = Effect.fn("Nova.listInterfaces")(function* (serverId: string) {
    return (yield* api.json({ method: "GET", path: path(serverId) }, AttachmentsBody)).interfaceAttachments
  })

  /** Asks Nova to detach the port (it goes on after the answer). 404 when it is not the server's. */
  const detachInterface = Effect.fn("Nova.detachInterface")(function* (serverId: string, portId: string) {
    yield* api.discard({ method: "DELETE", path: `${path(serverId)}/${segment(portId)}` })
  })

  return { attachInterface, listInterfaces, detachInterface }
}
