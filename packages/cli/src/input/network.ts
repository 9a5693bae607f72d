import { isIP } from "node:net"
import { Either } from "effect"
import { parseId } from "./ids.js"
import { parseHeadAndPairs, single } from "./miniGrammar.js"
import type { UsageError } from "./UsageError.js"
import { usage } from "./UsageError.js"

/** `--network NET[,fixed-ip=IP][,security-group=SG]…`: a new port on NET, as `POST /servers` takes it. */
export interface NetworkFlag {
  readonly network: string
  readonly fixed_ip?: string
  readonly security_groups?: ReadonlyArray<string>
}

const flag = "--network"
const example = "NET[,fixed-ip=IP][,security-group=SG]…"

export const parseNetwork = (text: string): Either.Either<NetworkFlag, UsageError> =>
  Either.gen(function* () {
    const parsed = yield* parseHeadAndPairs(flag, text, ["fixed-ip", "security-group"], example)
    const fixedIp = yield* single(flag, text, parsed, "fixed-ip")
    if (fixedIp !== undefined && isIP(fixedIp) === 0) {
      return yield* Either.left(usage(`${flag} ${text}: fixed-ip=${fixedIp} is not an IPv4 or IPv6 address`))
    }
    const groups = parsed.pairs.filter(([key]) => key === "security-group").map(([, value]) => value)
    return {
      network: parsed.head,
      ...(fixedIp === undefined ? {} : { fixed_ip: fixedIp }),
      ...(groups.length === 0 ? {} : { security_groups: groups })
    }
  })

/** `--port PORT`: an existing port, by id (Enamel attaches ports by id only). */
export const parsePort = (text: string): Either.Either<{ readonly port: string }, UsageError> =>
  Either.map(parseId("--port", text), (port) => ({ port }))
