/**
 * Scale: `tasks` tasks of a flow whose stages make no cloud calls (bench/scaleWorker.ts), queued at once
 * (task and outbox rows written in one statement, as the API writes them), run by one worker process
 * with `inFlight` of them at a time (the consumer's prefetch), over PostgreSQL and RabbitMQ. Measures the
 * completion rate, the most tasks seen running at once, and the worker's peak RSS. With `heapLimitMiB`,
 * the worker runs with NODE_OPTIONS=--max-old-space-size=<that> (how a deployment bounds a Node process's
 * heap), so the run shows what the bound costs in throughput.
 */

import type { Baseline } from "./support/baseline.js"
import { sleep } from "./support/cloud.js"
import { deploy, psql } from "./support/enamel.js"
import { round, sampleProcess } from "./support/stats.js"

export interface ScaleResult {
  readonly tasks: number
  readonly inFlight: number
  readonly stagesPerTask: number
  readonly stageSleepMs: number
  /** The worker's V8 old-space limit, when one was set. */
  readonly heapLimitMiB: number | null
  /** The baseline revision (BENCH_BASELINE) the worker was built from, when not this checkout. */
  readonly revision: string | null
  readonly seconds: number
  readonly tasksPerSecond: number
  readonly maxRunning: number
  readonly succeeded: number
  readonly peakWorkerRssMiB: number
  readonly workerCpuPercent: number
}

const count = (database: string, where: string) =>
  Number(psql(`SELECT count(*) FROM tasks WHERE ${where}`, database))

export const scaleBench = async (options: {
  readonly tasks: number
  readonly inFlight: number
  readonly stages: number
  readonly sleepMs: number
  readonly heapLimitMiB?: number
  readonly baseline?: Baseline
}): Promise<ScaleResult> => {
  const enamel = await deploy({
    ...(options.baseline === undefined ? {} : { root: options.baseline.root }),
    accessLog: false,
    withoutApi: true,
    workerEntry: "bench/scaleWorker.ts",
    workerTopics: `bench.noop=${options.inFlight}`,
    ...(options.heapLimitMiB === undefined
      ? {}
      : { env: { NODE_OPTIONS: `--max-old-space-size=${options.heapLimitMiB}` } })
  })
  try {
    const pid = enamel.worker?.pid ?? 0
    const params = JSON.stringify({ stages: options.stages, sleepMs: options.sleepMs })
    const cpuBefore = sampleProcess(pid).cpuSeconds
    const started = performance.now()
    psql(
      `WITH queued AS (
         INSERT INTO tasks (id, type, state, project_id, user_id, priority, params, created_at, updated_at)
         SELECT gen_random_uuid(), 'bench.noop', 'PENDING', 'bench', 'bench', 0, '${params}'::jsonb, now(), now()
         FROM generate_series(1, ${options.tasks}) RETURNING id, type, priority)
       INSERT INTO task_outbox (task_id, routing_key, priority, payload)
       SELECT id, type, priority,
              json_build_object('taskId', id, 'type', type, 'resumeFrom', null, 'restarts', 0)::text
       FROM queued;
       SELECT pg_notify('enamel_outbox', '')`,
      enamel.database
    )
    let peakRss = 0
    let maxRunning = 0
    let finished = 0
    for (let i = 0; finished < options.tasks && i < 36_000; i++) {
      await sleep(250)
      peakRss = Math.max(peakRss, sampleProcess(pid).rssMiB)
      if (i % 4 === 0) {
        maxRunning = Math.max(maxRunning, count(enamel.database, "state = 'RUNNING'"))
        finished = count(enamel.database, "state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')")
      }
    }
    const seconds = (performance.now() - started) / 1000
    const cpuSeconds = sampleProcess(pid).cpuSeconds - cpuBefore
    return {
      tasks: options.tasks,
      inFlight: options.inFlight,
      stagesPerTask: options.stages,
      stageSleepMs: options.sleepMs,
      heapLimitMiB: options.heapLimitMiB ?? null,
      revision: options.baseline?.commit ?? null,
      seconds: round(seconds, 1),
      tasksPerSecond: round(finished / seconds, 1),
      maxRunning,
      succeeded: count(enamel.database, "state = 'SUCCEEDED'"),
      peakWorkerRssMiB: Math.round(peakRss),
      workerCpuPercent: Math.round((cpuSeconds / seconds) * 100)
    }
  } finally {
    await enamel.close()
  }
}
