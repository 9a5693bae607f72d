/** What the flows and reads that act on an existing network fail with when it cannot be seen. */
import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

export class NetworkNotFound extends Schema.TaggedError<NetworkNotFound>()(
  "NetworkNotFound",
  { networkId: Schema.String },
  { description: "The network does not exist (or the caller cannot see it)" }
) {
  readonly code = ErrorCode.networkNotFound
  override get message(): string {
    return `network ${this.networkId} not found`
  }
}
