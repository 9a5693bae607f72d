import { HttpApiBuilder } from "@effect/platform"
import { EnamelApi, Microversions } from "@enamel/domain/contract"
import { registry } from "@enamel/domain/flows"
import { Effect } from "effect"

/** `GET /`: the versions document, as OpenStack services publish theirs, with the task types offered. */
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
          links: [{ rel: "self", href: "/" }],
          task_types: registry.commands.map((command) => ({
            type: command.type,
            method: command.method,
            path: command.path,
            description: command.description
          }))
        }
      ]
    })
  )
)
