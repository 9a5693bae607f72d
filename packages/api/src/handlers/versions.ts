import { HttpApiBuilder } from "@effect/platform"
import { EnamelApi, Microversions } from "@enamel/domain/api"
import { Effect } from "effect"

/** `GET /`: the versions document, as OpenStack services publish theirs. */
export const layer = HttpApiBuilder.group(EnamelApi, "versions", (handlers) =>
  handlers.handle("versions", () =>
    Effect.succeed({
      versions: [
        {
          id: "v1.0",
          status: "CURRENT",
          min_version: Microversions.minVersion,
          max_version: Microversions.maxVersion,
          updated: "2026-11-24T00:00:00Z",
          links: [{ rel: "self", href: "/" }]
        }
      ]
    })
  )
)
