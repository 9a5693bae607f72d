import type { TaskDetailView, TaskView, TimelineEntryView } from "@enamel/domain/contract"
import { ServerCreate, ServerRebuild } from "@enamel/domain/flows"
import { Option, Schema } from "effect"
import { type Cell, fieldTable, table } from "./table.js"
import { duration, millisOf } from "./text.js"

/** The task's timeline as a table: one row per stage attempt (undos marked), as the demo always printed it. */
export const timelineTable = (timeline: ReadonlyArray<TimelineEntryView>): string =>
  table(
    ["stage", "attempt", "state", "ms", "requests"],
    timeline
      .filter((e) => e.phase !== "flow")
      .map(
        (e): ReadonlyArray<Cell> => [
          `${e.phase === "compensate" ? "undo " : ""}${e.stage}`,
          e.attempt,
          e.state,
          e.duration_ms === null ? null : Math.round(e.duration_ms),
          e.request_ids.length
        ]
      )
  )

/** `task <id>: STATE (type, 41.2s)` and the error, if any: the line above the final table. */
export const outcomeLine = (task: TaskView): string => {
  const took =
    task.started_at === null || task.ended_at === null
      ? ""
      : `, ${duration(millisOf(task.ended_at) - millisOf(task.started_at))}`
  const error = task.error === null ? "" : `\n  ${task.error.code}: ${task.error.message}`
  const held = task.held
    ? `\n  held: what it made is kept. Go on from ${task.error?.stage ?? "the failed stage"} with ` +
      `enamel task retry ${task.id}, or undo it with enamel task rollback ${task.id}`
    : ""
  return `task ${task.id}: ${task.state} (${task.type}${took})${error}${held}`
}

const decodeServers = Schema.decodeUnknownOption(ServerCreate.CreateServersResult)

/** What a `server.create` task made, one line per server; nothing for other tasks. */
export const serverLines = (task: TaskView): ReadonlyArray<string> =>
  Option.match(decodeServers(task.result), {
    onNone: () => [],
    onSome: ({ servers }) =>
      servers.map((s) => {
        const floating = s.floating_ips.map((f) => f.address)
        // Nova lists a floating IP among the network's addresses too.
        const addresses = Object.entries(s.addresses ?? {}).flatMap(([network, ips]) =>
          ips.filter((ip) => !floating.includes(ip)).map((ip) => `${network}=${ip}`)
        )
        return [
          `  ${s.name}  ${s.id}`,
          ...(addresses.length === 0 ? [] : [addresses.join(", ")]),
          ...(floating.length === 0 ? [] : [`floating IP ${floating.join(", ")}`]),
          ...(s.volume_id === undefined ? [] : [`volume ${s.volume_id}`])
        ].join("  ")
      })
  })

const decodeRebuild = Schema.decodeUnknownOption(ServerRebuild.RebuildResult)

/**
 * What a `server.rebuild` did, in words: the path it took, and the server it left (a new id on the
 * `replace` path, where the old id is gone); nothing for other tasks.
 */
export const rebuildLines = (task: TaskView): ReadonlyArray<string> =>
  task.type !== ServerRebuild.type
    ? []
    : Option.match(decodeRebuild(task.result), {
        onNone: () => [],
        onSome: (rebuilt) =>
          rebuilt.path === "rebuild"
            ? [
                `  path rebuild (Nova's rebuild): server ${rebuilt.server_id}, root volume ${rebuilt.boot_volume_id}`
              ]
            : [
                `  path replace: new server ${rebuilt.server_id} (was ${rebuilt.previous_server_id ?? "-"}), ` +
                  `root volume ${rebuilt.boot_volume_id}`,
                ...(rebuilt.kept_volume_id === undefined
                  ? []
                  : [`  old root volume ${rebuilt.kept_volume_id} kept: backups depend on it`])
              ]
      })

const compact = (value: unknown): string =>
  value === null || value === undefined ? "" : JSON.stringify(value)

/**
 * What `--wait` and `task watch` print at the end (table format): the outcome, the timeline, and what it
 * made: the servers of a `server.create`, the path and server of a `server.rebuild`, the result of any other task (the volume attached and its
 * device, the port and its addresses, the floating IP, …).
 */
export const finalReport = (task: TaskDetailView): string => {
  const servers = serverLines(task)
  const rebuilt = rebuildLines(task)
  const made =
    servers.length > 0
      ? ["servers:", ...servers]
      : rebuilt.length > 0
        ? ["rebuilt:", ...rebuilt]
        : task.result === null
          ? []
          : [`result: ${compact(task.result)}`]
  return [outcomeLine(task), timelineTable(task.timeline), ...made].join("\n")
}

/** A task's fields as `task show` and an accepted command print them. */
export const taskFields = (task: TaskView): ReadonlyArray<readonly [string, Cell]> => [
  ["id", task.id],
  ["type", task.type],
  ["flow_version", task.flow_version],
  ["state", task.state],
  ["priority", task.priority],
  ["project_id", task.project_id],
  ["user_id", task.user_id],
  ["created_at", task.created_at],
  ["started_at", task.started_at],
  ["ended_at", task.ended_at],
  ["error", task.error === null ? null : `${task.error.code}: ${task.error.message}`],
  ["params", compact(task.params)],
  ["result", compact(task.result)],
  // Only for a task asked with on_failure keep: every other task prints as it always did.
  ...(task.on_failure === "keep"
    ? ([
        ["on_failure", task.on_failure],
        ["held", String(task.held)]
      ] as const)
    : [])
]

export const taskTable = (task: TaskView): string => fieldTable(taskFields(task))

/** `task show`: the fields, then the timeline. */
export const taskDetailTable = (task: TaskDetailView): string =>
  [taskTable(task), timelineTable(task.timeline)].join("\n")

/** The columns `task list` shows. */
export const taskListHeader = ["ID", "Type", "State", "Priority", "Created", "Ended"] as const

export const taskListRow = (task: TaskView): ReadonlyArray<Cell> => [
  task.id,
  task.type,
  task.state,
  task.priority,
  task.created_at,
  task.ended_at
]

export const taskListTable = (tasks: ReadonlyArray<TaskView>): string =>
  table(taskListHeader, tasks.map(taskListRow))
