import { Data } from "effect"

/**
 * A command line that cannot be right: a flag's value that does not parse, or flags that do not go
 * together. Found before any call is made; the command exits 2, as `openstack` does for usage errors.
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

export const usage = (message: string) => new UsageError({ message })
