import type { NetworkShow } from "@enamel/domain/flows"
import type { Format } from "../globals.js"
import { line } from "./Output.js"
import { type Cell, fieldTable, table } from "./table.js"

/**
 * `network show`: the network as `GET /networks/{id}` answers it. `table`: its fields, then its subnets,
 * routers and ports, each with the task that made it (`-` when Enamel did not); `json`: the API's answer;
 * `value`: the fields' values, one per line.
 */
type Network = typeof NetworkShow.NetworkView.Type

const madeBy = (taskId: string | null) => taskId ?? "-"

const addresses = (ips: ReadonlyArray<{ readonly ip_address: string }>) =>
  ips.map((ip) => ip.ip_address).join(", ")

const externalNetwork = (router: Network["routers"][number]) =>
  router.external_network === null
    ? null
    : router.external_network.name === null
      ? router.external_network.id
      : `${router.external_network.name} (${router.external_network.id})`

export const networkFields = (network: Network): ReadonlyArray<readonly [string, Cell]> => [
  ["id", network.id],
  ["name", network.name],
  ["status", network.status],
  ["shared", network.shared],
  ["external", network.external],
  ["made by task", madeBy(network.task_id)],
  ["subnets", network.subnets.map((s) => `${s.id}=${s.cidr}`).join(", ")],
  ["routers", network.routers.map((r) => r.id).join(", ")],
  ["ports", network.ports.map((p) => p.id).join(", ")]
]

/** The four tables of `network show -f table`. */
export const networkTable = (network: Network): string =>
  [
    fieldTable(networkFields(network).slice(0, 6)),
    "subnets:",
    table(
      ["Subnet", "Name", "CIDR", "Gateway", "DNS", "Made by task"],
      network.subnets.map(
        (s): ReadonlyArray<Cell> => [
          s.id,
          s.name,
          s.cidr,
          s.gateway_ip,
          s.dns_nameservers.join(", "),
          madeBy(s.task_id)
        ]
      )
    ),
    "routers:",
    table(
      ["Router", "Name", "External network", "Gateway IPs", "Made by task"],
      network.routers.map(
        (r): ReadonlyArray<Cell> => [
          r.id,
          r.name,
          externalNetwork(r),
          addresses(r.external_fixed_ips),
          madeBy(r.task_id)
        ]
      )
    ),
    "ports:",
    table(
      ["Port", "Device owner", "Device", "Fixed IPs", "Made by task"],
      network.ports.map(
        (p): ReadonlyArray<Cell> => [
          p.id,
          p.device_owner,
          p.device_id,
          addresses(p.fixed_ips),
          madeBy(p.task_id)
        ]
      )
    )
  ].join("\n")

export const printNetwork = (format: Format, answer: { readonly network: Network }) =>
  format === "json"
    ? line(JSON.stringify(answer, null, 2))
    : format === "value"
      ? line(
          networkFields(answer.network)
            .map(([, value]) => String(value ?? ""))
            .join("\n")
        )
      : line(networkTable(answer.network))
