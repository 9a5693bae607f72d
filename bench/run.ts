/**
 * `pnpm bench`: measures what the benchmark issue asks that is built so far, writes
 * bench/results/<time>.json and .md, and prints the table. Not part of the test suite. Needs the dev
 * cloud up (devcloud/devcloud up) and PostgreSQL + RabbitMQ.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import { Effect } from "effect"
import { acceptBench } from "./accept.js"
import { engineBench } from "./engine.js"

const seconds = Number(process.env.BENCH_SECONDS ?? "10")

const main = async () => {
  const engine = await Effect.runPromise(engineBench(1000, 3))
  const accept = await acceptBench([10, 50, 100], seconds)
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? "", loadavg: loadavg() }
  const result = { at: new Date().toISOString(), machine, engine, accept }
  const md = [
    `# Enamel benchmark, ${result.at}`,
    "",
    `Machine: ${machine.cpus} × ${machine.model}, load average at the end ${machine.loadavg.map((l) => l.toFixed(1)).join(" ")}.`,
    "",
    "## Accepting: POST /servers → 202 (target ≥ 2,000/s, p99 ≤ 50 ms)",
    "",
    "| connections | requests/s | p50 ms | p99 ms | non-2xx | errors | API CPU % | API RSS MiB |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...accept.map(
      (r) =>
        `| ${r.connections} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} | ${r.apiCpuPercent} | ${r.apiRssMiB} |`
    ),
    "",
    `## Engine overhead: ${engine.stages} no-op stages (target ≤ 1 ms per stage)`,
    "",
    "| checkpoints | ms per stage |",
    "| --- | ---: |",
    `| in memory | ${engine.memoryMsPerStage.toFixed(3)} |`,
    `| PostgreSQL | ${engine.postgresMsPerStage.toFixed(3)} |`,
    ""
  ].join("\n")
  mkdirSync("bench/results", { recursive: true })
  const stamp = result.at.replaceAll(":", "-")
  writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(`bench/results/${stamp}.md`, md)
  console.log(md)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
