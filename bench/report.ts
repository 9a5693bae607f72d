/** The markdown table of one `pnpm bench` run. */
import type { AcceptResult, AcceptRow } from "./accept.js"
import type { AttachResult } from "./attach.js"
import type { BackupResult } from "./backup.js"
import type { EndToEndResult } from "./endToEnd.js"
import type { EngineResult } from "./engine.js"
import type { NetworkResult } from "./network.js"
import type { RebuildResult } from "./rebuild.js"
import type { ResizeResult } from "./resize.js"
import type { ScaleResult } from "./scale.js"
import type { Comparison, Side } from "./support/comparison.js"
import { round } from "./support/stats.js"
import type { TakeoverResult } from "./takeover.js"

export interface BenchResult {
  readonly at: string
  readonly command: string
  readonly durationSeconds: number
  readonly machine: {
    readonly cpus: number
    readonly model: string
    readonly memoryGiB: number
    readonly loadavg: ReadonlyArray<number>
  }
  readonly accept?: AcceptResult
  readonly endToEnd?: EndToEndResult
  readonly attach?: AttachResult
  readonly backup?: BackupResult
  readonly resize?: ResizeResult
  readonly rebuild?: RebuildResult
  readonly network?: NetworkResult
  readonly engine?: EngineResult
  readonly scale?: ReadonlyArray<ScaleResult>
  readonly takeover?: TakeoverResult
}

const acceptRows = (who: string, rows: ReadonlyArray<AcceptRow>) =>
  rows.map(
    (r) =>
      `| ${who} | ${r.connections} | ${r.requests} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} | ${r.apiCpuPercent ?? "–"} | ${r.apiRssMiB ?? "–"} |`
  )

const acceptSection = (a: AcceptResult) => [
  "## Accepting: POST /servers → 202 (target at 50 connections: ≥ 0.8 × the floor with p99 ≤ 50 ms, access log off; ≥ 0.7 × with the defaults)",
  "",
  `Enamel: ${a.seconds} s per level under autocannon, the API compiled (esbuild) as its own process; Nova: a bounded number of requests per level, every server deleted afterwards. Levels alternate between the five. The floor is the same body sent to a bare Node server that inserts one row and publishes one confirmed message per request (no auth, no validation, no outbox); "HttpApi alone" is Effect's HttpApi decoding the body with Enamel's request schema and answering 202 at once (no middleware, auth, database or broker). CPU is of the serving process.`,
  "",
  "| side | connections | requests | requests/s | p50 ms | p99 ms | non-2xx | errors | API CPU % of a core | API RSS MiB |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...acceptRows("Enamel, ENAMEL_ACCESS_LOG=false", a.enamel),
  ...acceptRows("Enamel, access log on (default)", a.enamelAccessLog),
  ...acceptRows("floor: bare Node HTTP, INSERT, confirmed publish", a.floor),
  ...acceptRows("Effect HttpApi alone: same schema, 202 at once", a.httpApiOnly),
  ...acceptRows("Nova POST /servers", a.nova),
  ...(a.baseline === undefined
    ? []
    : acceptRows(`baseline ${a.baseline.commit} (BENCH_BASELINE), ENAMEL_ACCESS_LOG=false`, a.baseline.rows)),
  "",
  "| connections | CPU ms per request: Enamel / floor / HttpApi alone | Enamel ÷ floor, requests/s |",
  "| ---: | --- | ---: |",
  ...a.enamel.map((e, i) => {
    const f = a.floor[i]
    const h = a.httpApiOnly[i]
    const ms = (r: AcceptRow | undefined) =>
      r === undefined ? "–" : round((r.apiCpuPercent ?? Number.NaN) / 100 / (r.requestsPerSecond / 1000), 3)
    return `| ${e.connections} | ${ms(e)} / ${ms(f)} / ${ms(h)} | ${f === undefined ? "–" : round(e.requestsPerSecond / f.requestsPerSecond)} |`
  }),
  "",
  ...(a.baseline === undefined
    ? []
    : [
        `Before and after: the baseline ${a.baseline.commit} and this build, access log off, in the same turns.`,
        "",
        "| connections | requests/s before → after | × floor before → after | p99 ms before → after |",
        "| ---: | --- | --- | --- |",
        ...a.enamel.map((e, i) => {
          const b = a.baseline?.rows[i]
          const f = a.floor[i]
          if (b === undefined || f === undefined) return `| ${e.connections} | – | – | – |`
          return `| ${e.connections} | ${b.requestsPerSecond} → ${e.requestsPerSecond} | ${round(b.requestsPerSecond / f.requestsPerSecond)} → ${round(e.requestsPerSecond / f.requestsPerSecond)} | ${b.p99Ms} → ${e.p99Ms} |`
        }),
        ""
      ])
]

const endToEndSection = (e: EndToEndResult) => {
  const floor = e.medians.floor
  const row = (name: string, key: keyof EndToEndResult["medians"]) =>
    `| ${name} | ${e.medians[key]} | ${round(e.medians[key] / floor)} | ${e.seconds[key].map((s) => s.toFixed(1)).join(" ")} |`
  return [
    "## End to end: one server, boot volume, port, floating IP (target ≤ 1.05 × the floor)",
    "",
    `${e.rounds} rounds, the four sides in turn within each round.`,
    "",
    "| side | median s | × floor | every run, s |",
    "| --- | ---: | ---: | --- |",
    row("floor (plain fetch, critical-path order)", "floor"),
    row("Enamel POST /servers → SUCCEEDED", "enamel"),
    row("openstacksdk create_server(wait=True)", "openstacksdk"),
    row("Heat stack-create → CREATE_COMPLETE", "heat"),
    ...(e.baseline === undefined
      ? []
      : [
          `| before: baseline ${e.baseline.commit} (BENCH_BASELINE), POST /servers → SUCCEEDED | ${e.baseline.median} | ${round(e.baseline.median / floor)} | ${e.baseline.seconds.map((s) => s.toFixed(1)).join(" ")} |`
        ]),
    ""
  ]
}

/** One row per side of a comparison: median, p90, both × the floor's, every run. */
const comparisonRows = (what: string, c: Comparison, sides: Record<Side, string>) =>
  (["floor", "enamel", "openstacksdk"] as const).map(
    (side) =>
      `| ${what} | ${sides[side]} | ${c.medians[side]} | ${c.p90s[side]} | ${round(c.medians[side] / c.medians.floor)} | ${round(c.p90s[side] / c.p90s.floor)} | ${c.seconds[side].map((s) => s.toFixed(2)).join(" ")} |`
  )

const attachSection = (a: AttachResult) => [
  "## Attach to a running server: a new 1 GB volume; a new port with a floating IP; each detached again (target ≤ 1.05 × the floor)",
  "",
  `One server made for the part; ${a.rounds} timed rounds after ${a.warmUpRounds} untimed, the six runs in turn within each round, each once the server is ACTIVE with no task under way; each run then detaches (and deletes) what it attached, timed as the detach rows. The floor makes the plumbing calls in critical-path order with plain fetch, polling every ${a.pollMs} ms as Enamel's waits do; openstacksdk's waits poll every 2 s (its default). p90 is the nearest-rank quantile (over 5 rounds, the slowest).`,
  "",
  ...comparisonTable([
    [
      "volume",
      a.volume,
      {
        floor: "floor: Cinder create → available → Nova os-volume_attachments → in-use",
        enamel: 'Enamel POST /servers/{id}/volumes {"size_gb": 1} → SUCCEEDED',
        openstacksdk: "openstacksdk create_volume(wait=True) + attach_volume(wait=True)"
      }
    ],
    [
      "interface + floating IP",
      a.interface,
      {
        floor: "floor: Neutron create port → Nova os-interface → Neutron create floating IP",
        enamel: "Enamel POST /servers/{id}/interfaces (private, floating IP from public) → SUCCEEDED",
        openstacksdk: "openstacksdk create_port + create_server_interface + create_floating_ip(port=…)"
      }
    ],
    [
      "volume detach",
      a.volumeDetach,
      {
        floor: "floor: Nova DELETE os-volume_attachments → available → Cinder DELETE → 404",
        enamel: "Enamel DELETE /servers/{id}/volumes/{volume_id} → SUCCEEDED",
        openstacksdk: "openstacksdk detach_volume(wait=True) + delete_volume(wait=True)"
      }
    ],
    [
      "interface detach",
      a.interfaceDetach,
      {
        floor:
          "floor: Neutron DELETE floating IP → Nova DELETE os-interface → port unbound → Neutron DELETE port",
        enamel: "Enamel DELETE /servers/{id}/interfaces/{port_id} → SUCCEEDED",
        openstacksdk:
          "openstacksdk delete_floating_ip + delete_server_interface + poll every 2 s until gone + network.delete_port"
      }
    ]
  ])
]

const splitLine = (what: string, c: Comparison) =>
  `- ${what}: ${c.enamelSplitMs.map(([part, ms]) => `${part} ${ms}`).join(" · ")}`

/** The table of one or more comparisons, and where Enamel's time went in each. */
const comparisonTable = (
  rows: ReadonlyArray<readonly [string, Comparison, Record<Side, string>]>
): ReadonlyArray<string> => [
  "| what | side | median s | p90 s | median × floor | p90 × floor | every run, s |",
  "| --- | --- | ---: | ---: | ---: | ---: | --- |",
  ...rows.flatMap(([what, c, sides]) => comparisonRows(what, c, sides)),
  "",
  "Where Enamel's time went (the median of each part over its runs, ms; from the task's timeline and the client's clock):",
  "",
  ...rows.map(([what, c]) => splitLine(what, c)),
  ""
]

const backupSection = (b: BackupResult) => [
  "## Back up a running server: a snapshot of its attached 1 GB boot volume, then its deletion (target ≤ 1.05 × the floor)",
  "",
  `One volume-backed server made for the part; ${b.rounds} timed rounds after ${b.warmUpRounds} untimed, the three runs in turn within each round, each once the server is ACTIVE with no task under way; each run deletes the snapshot it made, timed as the second comparison (Enamel's through DELETE /servers/{id}/backups/{backup_id}). The floor makes Enamel's plumbing calls with plain fetch, with the volume (and the snapshot to delete) known before its clock starts; the floor and openstacksdk poll every ${b.pollMs} ms as Enamel's waits do. p90 is the nearest-rank quantile (over 5 rounds, the slowest).`,
  "",
  ...comparisonTable([
    [
      "backup",
      b.backup,
      {
        floor: "floor: Cinder POST /snapshots (force, Enamel's metadata) → available",
        enamel: 'Enamel POST /servers/{id}/backups {"name": …} → SUCCEEDED',
        openstacksdk:
          'openstacksdk block_storage.create_snapshot(force=True) + wait_for_status("available", interval=0.2)'
      }
    ],
    [
      "backup delete",
      b.delete,
      {
        floor: "floor: Cinder DELETE /snapshots/{id} → 404",
        enamel: "Enamel DELETE /servers/{id}/backups/{backup_id} → SUCCEEDED",
        openstacksdk: "openstacksdk block_storage.delete_snapshot + wait_for_delete(interval=0.2)"
      }
    ]
  ])
]

const resizeSection = (r: ResizeResult) => [
  "## Resize a running server: m1.tiny ↔ m1.small, confirmed, until ACTIVE on the new flavor (target ≤ 1.05 × the floor)",
  "",
  `One volume-backed server made for the part; ${r.rounds} timed rounds after ${r.warmUpRounds} untimed, the three runs in turn within each round, each resizing the server from where the run before left it, once it is ACTIVE with no task under way. The floor makes Enamel's plumbing calls with plain fetch, with the flavor's id known before its clock starts; the floor and openstacksdk poll every ${r.pollMs} ms as Enamel's waits do. p90 is the nearest-rank quantile.`,
  "",
  ...comparisonTable([
    [
      "resize",
      r.resize,
      {
        floor: "floor: Nova resize → VERIFY_RESIZE → confirmResize → ACTIVE on the new flavor",
        enamel: 'Enamel POST /servers/{id}/resize {"flavor": name} → SUCCEEDED',
        openstacksdk:
          'openstacksdk resize_server + wait_for_server("VERIFY_RESIZE", interval=0.2) + confirm_server_resize → ACTIVE'
      }
    ]
  ])
]

const rebuildSection = (r: RebuildResult) => [
  "## Rebuild a running volume-backed server from another image: Nova 2.93 with Cinder's reimage (target ≤ 1.05 × the floor)",
  "",
  `One volume-backed server made for the part; ${r.rounds} timed rounds after ${r.warmUpRounds} untimed, the three runs in turn within each round, each rebuilding the server from the other of two images (tiny, and a private 1 MiB image), once it is ACTIVE with no task under way. The floor makes Enamel's plumbing calls with plain fetch, with the image's id known before its clock starts; the floor and openstacksdk poll every ${r.pollMs} ms as Enamel's waits do. p90 is the nearest-rank quantile.`,
  "",
  ...comparisonTable([
    [
      "rebuild",
      r.rebuild,
      {
        floor: "floor: Nova rebuild at 2.93 → ACTIVE",
        enamel: 'Enamel POST /servers/{id}/rebuild {"image": name} → SUCCEEDED',
        openstacksdk:
          'openstacksdk compute.post(rebuild, microversion="2.93") + get_server every 0.2 s until ACTIVE'
      }
    ]
  ])
]

const networkSection = (n: NetworkResult) => [
  "## A network with its subnet, a router with its gateway and the subnet's interface; then its removal (target ≤ 1.05 × the floor)",
  "",
  `${n.rounds} timed rounds after ${n.warmUpRounds} untimed, the three runs in turn within each round; each run removes what it made, timed as the second comparison (Enamel's through DELETE /networks/{id}). Every resource carries tags like Enamel's marks (Neutron Zed takes them in a second call). The floor makes the Neutron calls with Enamel's clients in critical-path order (the network and its subnet while the router is made), the external network's id known before its clock starts (Enamel finds it, and checks that the CIDR given overlaps no subnet of the project, inside its time); openstacksdk makes the same calls one after the other. Nothing is waited for: Neutron has made each thing when it answers. p90 is the nearest-rank quantile.`,
  "",
  ...comparisonTable([
    [
      "network create",
      n.create,
      {
        floor:
          "floor: (create network + tags → create subnet + tags) ∥ (create router with gateway + tags) → add router interface",
        enamel: 'Enamel POST /networks {"name": …, "cidr": …} → SUCCEEDED',
        openstacksdk:
          "openstacksdk network.create_network, create_subnet, create_router(external_gateway_info), each + set_tags, add_interface_to_router"
      }
    ],
    [
      "network delete",
      n.delete,
      {
        floor: "floor: remove router interface → delete router ∥ (delete subnet → delete network)",
        enamel: "Enamel DELETE /networks/{id} → SUCCEEDED",
        openstacksdk:
          "openstacksdk network.remove_interface_from_router, delete_router, delete_subnet, delete_network"
      }
    ]
  ])
]

const engineSection = (e: EngineResult) => [
  `## Engine overhead: ${e.stages} no-op stages (target ≤ 1.2 × the floor on PostgreSQL)`,
  "",
  `Median of ${e.rounds} alternating rounds.`,
  "",
  "| engine | in memory, ms/stage | PostgreSQL, ms/stage |",
  "| --- | ---: | ---: |",
  `| Enamel | ${e.enamelMemory.toFixed(3)} | ${e.enamelPostgres.toFixed(3)} |`,
  `| TaskFlow (serial engine, SQLAlchemy persistence) | ${e.taskflowMemory.toFixed(3)} | ${e.taskflowPostgres.toFixed(3)} |`,
  `| TaskFlow ÷ Enamel | ${round(e.taskflowMemory / e.enamelMemory, 1)} | ${round(e.taskflowPostgres / e.enamelPostgres, 1)} |`,
  `| floor: one durable INSERT per stage (node-postgres, prepared) | – | ${e.floorPostgres.toFixed(3)} |`,
  `| Enamel − floor | – | ${(e.enamelPostgres - e.floorPostgres).toFixed(3)} |`,
  `| Enamel ÷ floor | – | ${round(e.enamelPostgres / e.floorPostgres)} |`,
  ...(e.baseline === undefined
    ? []
    : [
        `| before: baseline ${e.baseline.commit}, own process | – | ${e.baseline.before.toFixed(3)} (${round(e.baseline.before / e.floorPostgres)} × floor) |`,
        `| after: this build, own process | – | ${e.baseline.after.toFixed(3)} (${round(e.baseline.after / e.floorPostgres)} × floor) |`
      ]),
  ""
]

const scaleSection = (runs: ReadonlyArray<ScaleResult>) => [
  "## Scale: queued tasks, one worker process (target: peak worker RSS ≤ 300 MiB with V8's default heap, at no fewer tasks/s)",
  "",
  "| worker | worker heap | tasks | in flight (prefetch) | stages × wait | seconds | tasks/s | most running at once | succeeded | peak worker RSS MiB | worker CPU % of a core |",
  "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...runs.map(
    (s) =>
      `| ${s.revision === null ? "this build" : `baseline ${s.revision}`} | ${s.heapLimitMiB === null ? "V8 default" : `--max-old-space-size=${s.heapLimitMiB}`} | ${s.tasks} | ${s.inFlight} | ${s.stagesPerTask} × ${s.stageSleepMs} ms | ${s.seconds} | ${s.tasksPerSecond} | ${s.maxRunning} | ${s.succeeded} | ${s.peakWorkerRssMiB} | ${s.workerCpuPercent} |`
  ),
  ""
]

const takeoverSection = (t: TakeoverResult) => [
  "## Takeover: a worker SIGKILLed mid-stage, its task carried on by another (target: median < 10 s)",
  "",
  `Default settings, two worker processes; ${t.kills} \`server.create\` tasks (one server, a 1 GB boot volume, one port), each one's worker killed in turn at a create stage (bootServer, createBootVolume: as soon as it runs) and a wait stage (waitServerActive, waitVolumeAvailable: 0.5 s in), a replacement started at once. Takeover: from the kill until the other worker starts a stage attempt (the task's timeline); stage done: until the killed stage succeeded; end: until the client saw the task SUCCEEDED. Every task made exactly one server, volume and port (counted by its marks), and its deletion left none.`,
  "",
  "| side | takeover s, median / max | end s, median / max | every kill: stage, takeover / stage done / end s |",
  "| --- | ---: | ---: | --- |",
  ...Object.entries(t.sides).map(
    ([name, s]) =>
      `| ${name} | ${s.takeover.median} / ${s.takeover.max} | ${s.end.median} / ${s.end.max} | ${s.kills.map((k) => `${k.stage} ${k.takeoverSeconds} / ${k.stageDoneSeconds} / ${k.endSeconds}`).join("; ")} |`
  ),
  ""
]

export const markdown = (r: BenchResult) =>
  [
    `# Enamel benchmark, ${r.at}`,
    "",
    `Machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.memoryGiB} GiB RAM, load average at the end ${r.machine.loadavg.map((l) => l.toFixed(1)).join(" ")}. Command: \`${r.command}\`, ${Math.round(r.durationSeconds)} s.`,
    "",
    ...(r.accept === undefined ? [] : acceptSection(r.accept)),
    ...(r.endToEnd === undefined ? [] : endToEndSection(r.endToEnd)),
    ...(r.attach === undefined ? [] : attachSection(r.attach)),
    ...(r.backup === undefined ? [] : backupSection(r.backup)),
    ...(r.resize === undefined ? [] : resizeSection(r.resize)),
    ...(r.rebuild === undefined ? [] : rebuildSection(r.rebuild)),
    ...(r.network === undefined ? [] : networkSection(r.network)),
    ...(r.engine === undefined ? [] : engineSection(r.engine)),
    ...(r.scale === undefined ? [] : scaleSection(r.scale)),
    ...(r.takeover === undefined ? [] : takeoverSection(r.takeover))
  ].join("\n")
