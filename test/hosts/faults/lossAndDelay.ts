/**
 * Fault 5: for a minute, 10 % of the packets between the worker hosts and PostgreSQL are dropped (by the
 * kernel: iptables' statistic match, both ways) and every chunk on those connections is held 200 ms each
 * way (by the forwarder in front of PostgreSQL: this kernel has no tc netem). Tasks of `server.create` run
 * through it, two started before, one during: they slow down, and none is duplicated (no stage succeeds
 * twice, nothing more in the cloud than asked for) or lost (each succeeds); DELETE leaves nothing.
 */
import { SqlClient } from "@effect/sql"
import type { SessionShape } from "@enamel/openstack-clients"
import { Duration, Effect } from "effect"
import { expect } from "vitest"
import { uniqueName } from "../../../packages/openstack-clients/test/support/cloud.js"
import { cloudCount, fullServers, tokenOf } from "../../e2e/enamel.js"
import { finishedTask, taskOf } from "../client.js"
import type { Deployment } from "../deployment.js"
import { deleteServers } from "../smoke.js"

const faultFor = Duration.minutes(1)
const lossPercent = 10
const delayMs = 200

export const lossAndDelay = (deployment: Deployment, owner: SessionShape) =>
  Effect.ensuring(
    lossAndDelayChecked(deployment, owner),
    Effect.ignore(
      Effect.all([
        deployment.delayWorkersToPostgres(0),
        ...deployment.workers.map((worker) => deployment.heal(worker.name))
      ])
    )
  )

const lossAndDelayChecked = (deployment: Deployment, owner: SessionShape) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const start = Effect.gen(function* () {
      const token = yield* tokenOf(owner)
      const name = uniqueName("hosts-loss")
      const answer = yield* Effect.orDie(
        deployment.send("POST", "/servers", {
          token,
          body: fullServers(name, 2),
          headers: { "idempotency-key": name }
        })
      )
      expect(answer.status, JSON.stringify(answer.body)).toBe(202)
      return { id: (yield* taskOf(answer)).id, at: Date.now() }
    })

    const started = [yield* start, yield* start]
    yield* deployment.delayWorkersToPostgres(delayMs)
    for (const worker of deployment.workers) yield* deployment.loss(worker.name, "postgres", lossPercent)
    const faultStarted = Date.now()
    // Another task starts a quarter of the way through, so that a task is also taken and begun under the
    // fault (and still ends soon after it).
    yield* Effect.sleep(Duration.millis(Duration.toMillis(faultFor) / 4))
    started.push(yield* start)
    yield* Effect.sleep(Duration.subtract(faultFor, Duration.millis(Date.now() - faultStarted)))
    yield* deployment.delayWorkersToPostgres(0)
    for (const worker of deployment.workers) yield* deployment.heal(worker.name)

    // Each task, as soon as it ends: succeeded, exactly what it asked for, no stage carried out twice
    // (each stage path succeeded once, whoever ran it); then deleted, while the others may still run.
    const finished = yield* Effect.forEach(
      started,
      (task) =>
        Effect.gen(function* () {
          const done = yield* finishedTask(deployment.apiUrl, task.id, owner)
          const seconds = Math.round((Date.now() - task.at) / 1000)
          expect(done.state, `${done.id}: ${JSON.stringify(done.error)}`).toBe("SUCCEEDED")
          expect(yield* cloudCount(done.id, owner)).toEqual({
            servers: 2,
            volumes: 2,
            ports: 2,
            floatingIps: 2
          })
          const twice = yield* sql<{ path: string; times: number }>`
            SELECT path, count(*)::int AS times FROM task_timeline
            WHERE task_id = ${done.id} AND phase = 'run' AND state = 'SUCCEEDED'
            GROUP BY path HAVING count(*) > 1`
          expect(twice, `stages of ${done.id} that succeeded more than once`).toEqual([])
          yield* deleteServers(
            deployment,
            owner,
            done.id,
            done.result.servers.map((server) => server.id)
          )
          return { done, seconds }
        }),
      { concurrency: "unbounded" }
    )
    const retried = yield* sql<{ attempts: number }>`
      SELECT count(*)::int AS attempts FROM task_timeline
      WHERE task_id IN ${sql.in(finished.map(({ done }) => done.id))} AND phase = 'run' AND attempt > 1`
    console.log(
      `fault 5: ${finished.length} tasks under ${lossPercent} % loss and ${delayMs} ms delay to PostgreSQL, ` +
        `finished after ${finished.map((f) => f.seconds).join(", ")} s; stage attempts after the first: ${retried[0]?.attempts}`
    )
  })
