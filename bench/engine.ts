/**
 * Engine overhead: a flow of N stages that do nothing, run with in-memory and with PostgreSQL
 * checkpoints; the time per stage is what the runtime itself costs (a start and an outcome written per
 * stage). Alongside, TaskFlow (Debian's python3-taskflow) on its serial engine with the same N no-op
 * tasks, in memory and with its SQLAlchemy persistence on the same PostgreSQL. Beside them the floor of
 * a durable checkpoint: one INSERT per stage with node-postgres (a prepared statement, synchronous commit),
 * nothing else. Sides alternate.
 */

import { execFileSync } from "node:child_process"
import { copyFileSync } from "node:fs"
import { join } from "node:path"
import { CheckpointsMemory } from "@enamel/domain"
import { CheckpointsPg } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Effect, Layer } from "effect"
import pg from "pg"
import type { Baseline } from "./support/baseline.js"
import { bundle } from "./support/build.js"
import { databaseUrl, psql } from "./support/enamel.js"
import { perStage } from "./support/noopStages.js"
import { ensurePythonModules, runPython } from "./support/python.js"
import { alternate, median } from "./support/stats.js"

/**
 * bench/engineSide.ts bundled from `root` (this checkout or a baseline's, into which the side is copied:
 * an older revision may not have it), as a command that runs `stages` stages in a process of its own.
 */
const engineSide = async (root: string, name: string) => {
  if (root !== process.cwd())
    for (const file of ["bench/engineSide.ts", "bench/support/noopStages.ts"])
      copyFileSync(file, join(root, file))
  const script = await bundle("bench/engineSide.ts", name, root)
  return (stages: number) => {
    const out = execFileSync(process.execPath, [script, String(stages)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"]
    })
    const parsed: { msPerStage: number } = JSON.parse(out)
    return parsed.msPerStage
  }
}

const taskflow = (stages: number, url: string) =>
  runPython<{ msPerStage: number }>("taskflow_engine.py", [String(stages), url]).msPerStage

/** Milliseconds per durable one-row write, `n` of them in a row on one connection. */
const durableWrites = async (n: number, url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(
      "CREATE TABLE IF NOT EXISTS floor_checkpoints (seq bigserial PRIMARY KEY, task_id uuid, path text, state text, result jsonb)"
    )
    const taskId = crypto.randomUUID()
    const insert = {
      name: "floor-checkpoint",
      text: "INSERT INTO floor_checkpoints (task_id, path, state, result) VALUES ($1, $2, $3, $4)"
    }
    const started = performance.now()
    for (let i = 0; i < n; i++)
      await client.query({ ...insert, values: [taskId, `s${i}`, "SUCCEEDED", String(i)] })
    return (performance.now() - started) / n
  } finally {
    await client.end()
  }
}

export interface EngineResult {
  readonly stages: number
  readonly rounds: number
  /** Median milliseconds per stage. */
  readonly enamelMemory: number
  readonly enamelPostgres: number
  readonly taskflowMemory: number
  readonly taskflowPostgres: number
  /** One durable INSERT per stage and nothing else: what a checkpoint on this PostgreSQL costs at least. */
  readonly floorPostgres: number
  /**
   * With BENCH_BASELINE: the PostgreSQL side of that revision and of this one, each in a process of its
   * own (bench/engineSide.ts), in the same turns.
   */
  readonly baseline?: { readonly commit: string; readonly before: number; readonly after: number }
}

export const engineBench = async (
  stages: number,
  rounds: number,
  baseline?: Baseline
): Promise<EngineResult> => {
  ensurePythonModules(["taskflow", "psycopg2", "alembic", "sqlalchemy_utils"])
  const database = `bench_taskflow_${Date.now().toString(36)}`
  psql(`CREATE DATABASE ${database}`)
  try {
    // Untimed: the first run of a process pays for compiling the runtime's code (JIT), not per stage.
    await Effect.runPromise(Effect.provide(perStage(100), CheckpointsMemory.layer))
    const pair =
      baseline === undefined
        ? undefined
        : {
            before: await engineSide(baseline.root, "engine-side"),
            after: await engineSide(process.cwd(), "engine-side")
          }
    // Keyed by name: the baseline's two sides are there only with BENCH_BASELINE.
    const sides: Record<string, () => Promise<number>> = {
      ...(pair === undefined
        ? {}
        : { baselineBefore: async () => pair.before(stages), baselineAfter: async () => pair.after(stages) }),
      enamelMemory: () => Effect.runPromise(Effect.provide(perStage(stages), CheckpointsMemory.layer)),
      enamelPostgres: () =>
        Effect.runPromise(
          Effect.provide(perStage(stages), CheckpointsPg.layer.pipe(Layer.provide(TestDatabase.layer)))
        ),
      taskflowMemory: async () => taskflow(stages, "memory"),
      taskflowPostgres: async () =>
        taskflow(stages, databaseUrl(database).replace(/^postgres:/, "postgresql+psycopg2:")),
      floorPostgres: () => durableWrites(stages, databaseUrl(database))
    }
    const runs = await alternate(rounds, sides)
    const of = (side: string) => median(runs[side] ?? [])
    return {
      stages,
      rounds,
      enamelMemory: of("enamelMemory"),
      enamelPostgres: of("enamelPostgres"),
      taskflowMemory: of("taskflowMemory"),
      taskflowPostgres: of("taskflowPostgres"),
      floorPostgres: of("floorPostgres"),
      ...(baseline === undefined
        ? {}
        : { baseline: { commit: baseline.commit, before: of("baselineBefore"), after: of("baselineAfter") } })
    }
  } finally {
    psql(`DROP DATABASE ${database} WITH (FORCE)`)
  }
}
