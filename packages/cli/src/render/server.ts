import type { ServerShow } from "@enamel/domain/flows"
import type { Format } from "../globals.js"
import { line } from "./Output.js"
import { type Cell, fieldTable, table } from "./table.js"

/**
 * `server show`: the server as `GET /servers/{id}` answers it. `table`: its fields, then its volumes (with
 * devices) and its ports (fixed IPs, security groups, floating IPs), each with the task that made it
 * (`-` when Enamel did not); `json`: the API's answer; `value`: the fields' values, one per line.
 */
type Server = typeof ServerShow.ServerView.Type

const madeBy = (taskId: string | null) => taskId ?? "-"

const nameAndId = (thing: { readonly id: string | null; readonly name: string | null } | null) =>
  thing === null ? null : thing.name === null ? thing.id : `${thing.name} (${thing.id ?? "?"})`

/** A port's fixed addresses, comma-separated. */
const fixedIps = (port: Server["ports"][number]) => port.fixed_ips.map((ip) => ip.ip_address).join(", ")

const floatingIps = (port: Server["ports"][number]) =>
  port.floating_ips.map((f) => `${f.address} (${f.id}, task ${madeBy(f.task_id)})`).join(", ")

export const serverFields = (server: Server): ReadonlyArray<readonly [string, Cell]> => [
  ["id", server.id],
  ["name", server.name],
  ["status", server.status],
  ["flavor", nameAndId(server.flavor)],
  ["image", server.image === null ? null : nameAndId(server.image)],
  ["volumes", server.volumes.map((v) => `${v.id}=${v.device ?? ""}`).join(", ")],
  ["ports", server.ports.map((p) => `${p.id}=${fixedIps(p)}`).join(", ")],
  ["floating_ips", server.ports.flatMap((p) => p.floating_ips.map((f) => f.address)).join(", ")]
]

export const volumesHeader = ["Volume", "Device", "Size (GB)", "Boot", "Made by task"] as const
export const portsHeader = [
  "Port",
  "Network",
  "Fixed IPs",
  "Security groups",
  "Floating IPs",
  "Made by task"
] as const

/** The three tables of `server show -f table`. */
export const serverTable = (server: Server): string =>
  [
    fieldTable(serverFields(server).slice(0, 5)),
    "volumes:",
    table(
      volumesHeader,
      server.volumes.map((v): ReadonlyArray<Cell> => [v.id, v.device, v.size_gb, v.boot, madeBy(v.task_id)])
    ),
    "ports:",
    table(
      portsHeader,
      server.ports.map(
        (p): ReadonlyArray<Cell> => [
          p.id,
          p.network_id,
          fixedIps(p),
          p.security_groups.join(", "),
          floatingIps(p),
          madeBy(p.task_id)
        ]
      )
    )
  ].join("\n")

export const printServer = (format: Format, answer: { readonly server: Server }) =>
  format === "json"
    ? line(JSON.stringify(answer, null, 2))
    : format === "value"
      ? line(
          serverFields(answer.server)
            .map(([, value]) => String(value ?? ""))
            .join("\n")
        )
      : line(serverTable(answer.server))
