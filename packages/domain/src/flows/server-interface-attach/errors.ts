import { Schema } from "effect"
import { ErrorCode } from "../../ErrorCatalogue.js"

/** Something the request names (network, port, security group, address) does not exist or cannot be used. */
export class InterfaceRequestUnresolved extends Schema.TaggedError<InterfaceRequestUnresolved>()(
  "InterfaceRequestUnresolved",
  { problems: Schema.Array(Schema.String) },
  { description: "The request names something that does not exist or cannot be used" }
) {
  readonly code = ErrorCode.serverRequestUnresolved
  override get message(): string {
    return this.problems.join("; ")
  }
}
