/**
 * `pnpm bench`: the four comparisons of the benchmark issue, the attach comparison of issue 17 and the
 * backup (with its deletion), resize and rebuild comparisons of issue 18 and the network comparison (with
 * its deletion) of issue 19, and the takeover of a killed worker's task (issue 23), each side by side and
 * alternating in one run; writes bench/results/<time>.json and .md and prints the markdown. Not part of
 * the test suite. Needs PostgreSQL, RabbitMQ and the dev cloud, which scripts/bench.sh (`pnpm bench`)
 * starts first. BENCH_PARTS (default accept,endToEnd,attach,backup,resize,rebuild,network,engine,scale,takeover) picks
 * parts; the other BENCH_* variables below size them.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { acceptBench } from "./accept.js"
import { attachBench } from "./attach.js"
import { backupBench } from "./backup.js"
import { endToEndBench } from "./endToEnd.js"
import { engineBench } from "./engine.js"
import { networkBench } from "./network.js"
import { rebuildBench } from "./rebuild.js"
import { type BenchResult, markdown } from "./report.js"
import { resizeBench } from "./resize.js"
import { scaleBench } from "./scale.js"
import { baseline as checkOutBaseline } from "./support/baseline.js"
import { tearDownLeftovers } from "./support/enamel.js"
import { takeoverBench } from "./takeover.js"

const setting = (name: string, fallback: number) => Number(process.env[name] ?? String(fallback))
const parts = new Set(
  (
    process.env.BENCH_PARTS ?? "accept,endToEnd,attach,backup,resize,rebuild,network,engine,scale,takeover"
  ).split(",")
)

const main = async () => {
  const started = performance.now()
  await tearDownLeftovers()
  const baseline = checkOutBaseline()
  const accept = parts.has("accept")
    ? await acceptBench({
        connections: [10, 50, 100],
        novaConnections: [1, 5, 10],
        novaRequests: setting("BENCH_NOVA_REQUESTS", 20),
        seconds: setting("BENCH_SECONDS", 10),
        ...(baseline === undefined ? {} : { baseline })
      })
    : undefined
  const endToEnd = parts.has("endToEnd")
    ? await endToEndBench(setting("BENCH_ROUNDS", 10), baseline)
    : undefined
  const attach = parts.has("attach") ? await attachBench(setting("BENCH_ATTACH_ROUNDS", 5)) : undefined
  const backup = parts.has("backup") ? await backupBench(setting("BENCH_BACKUP_ROUNDS", 5)) : undefined
  // An even number: each side resizes up and down as often (bench/resize.ts).
  const resize = parts.has("resize") ? await resizeBench(setting("BENCH_RESIZE_ROUNDS", 4)) : undefined
  const rebuild = parts.has("rebuild") ? await rebuildBench(setting("BENCH_REBUILD_ROUNDS", 4)) : undefined
  const network = parts.has("network") ? await networkBench(setting("BENCH_NETWORK_ROUNDS", 5)) : undefined
  const engine = parts.has("engine")
    ? await engineBench(setting("BENCH_STAGES", 1000), setting("BENCH_ENGINE_ROUNDS", 3), baseline)
    : undefined
  const scaleOptions = {
    tasks: setting("BENCH_TASKS", 10_000),
    inFlight: setting("BENCH_IN_FLIGHT", 1000),
    stages: 3,
    sleepMs: 100
  }
  // The default heap, then a bounded one (BENCH_HEAP_LIMIT_MIB, 0 to skip).
  const heapLimit = setting("BENCH_HEAP_LIMIT_MIB", 256)
  const scale = parts.has("scale")
    ? [
        await scaleBench(scaleOptions),
        ...(baseline === undefined ? [] : [await scaleBench({ ...scaleOptions, baseline })]),
        ...(heapLimit > 0 ? [await scaleBench({ ...scaleOptions, heapLimitMiB: heapLimit })] : [])
      ]
    : undefined
  const takeover = parts.has("takeover")
    ? await takeoverBench(setting("BENCH_TAKEOVER_KILLS", 6), baseline)
    : undefined
  const at = new Date().toISOString()
  const result: BenchResult = {
    at,
    command: [
      ...Object.entries(process.env).flatMap(([k, v]) => (k.startsWith("BENCH_") ? [`${k}=${v}`] : [])),
      "corepack pnpm bench"
    ].join(" "),
    durationSeconds: (performance.now() - started) / 1000,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? "",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadavg: loadavg()
    },
    ...(accept === undefined ? {} : { accept }),
    ...(endToEnd === undefined ? {} : { endToEnd }),
    ...(attach === undefined ? {} : { attach }),
    ...(backup === undefined ? {} : { backup }),
    ...(resize === undefined ? {} : { resize }),
    ...(rebuild === undefined ? {} : { rebuild }),
    ...(network === undefined ? {} : { network }),
    ...(engine === undefined ? {} : { engine }),
    ...(scale === undefined ? {} : { scale }),
    ...(takeover === undefined ? {} : { takeover })
  }
  const md = markdown(result)
  mkdirSync("bench/results", { recursive: true })
  const stamp = at.replaceAll(":", "-")
  writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(`bench/results/${stamp}.md`, `${md}\n`)
  console.log(md)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
