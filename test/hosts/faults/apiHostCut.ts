/**
 * Fault 4: one API host is cut off. First only its answers are lost (a request reaches it and is carried
 * out, the client hears nothing), then everything: HAProxy takes the host out and sends every request to
 * the other; the client that heard nothing retries with the same Idempotency-Key and gets the task the cut
 * host accepted; no accepted task is lost (each finishes with exactly what it asked for), and DELETE
 * leaves nothing. Healed, the host is taken back.
 */
import { SqlClient } from "@effect/sql"
import type { SessionShape } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { expect } from "vitest"
import { uniqueName } from "../../../packages/openstack-clients/test/support/cloud.js"
import { cloudCount, fullServers, tokenOf } from "../../e2e/enamel.js"
import { finishedTask, taskOf } from "../client.js"
import type { Deployment } from "../deployment.js"
import { deleteServers } from "../smoke.js"

/** A `POST /servers` of two servers as a client sends it: its own Idempotency-Key, kept for a retry. */
const request = () => {
  const name = uniqueName("hosts-apicut")
  return { key: name, body: fullServers(name, 2) }
}

export const apiHostCut = (deployment: Deployment, owner: SessionShape) =>
  Effect.ensuring(apiHostCutChecked(deployment, owner), Effect.ignore(deployment.heal("api1")))

const apiHostCutChecked = (deployment: Deployment, owner: SessionShape) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const token = yield* tokenOf(owner)
    const post = (r: ReturnType<typeof request>, timeoutMs = 30_000) =>
      deployment.send("POST", "/servers", {
        token,
        body: r.body,
        headers: { "idempotency-key": r.key },
        timeoutMs
      })
    const accepted: Array<string> = []
    const start = Date.now()
    const steps: Array<string> = []
    const mark = (what: string) => steps.push(`  ${((Date.now() - start) / 1000).toFixed(1)} s: ${what}`)

    // api1's answers are lost: of two requests sent at once, HAProxy's round robin gives it one, which it
    // carries out; that client hears nothing within its 10 s (time enough, on a loaded machine, for the
    // other API to answer even a user's first request, for which it makes the user's key).
    yield* deployment.cut("api1", "replies")
    const atCut = [request(), request()]
    const answers = yield* Effect.forEach(atCut, (r) => Effect.either(post(r, 10_000)), {
      concurrency: "unbounded"
    })
    const unanswered = atCut.filter((_, i) => answers[i]?._tag === "Left")
    expect(unanswered, "exactly one of the two requests went to the cut host").toHaveLength(1)
    for (const answer of answers) if (answer._tag === "Right") accepted.push((yield* taskOf(answer.right)).id)

    mark("api1's answers cut; of two requests, the one it took unanswered")
    // Then api1 is cut off altogether; HAProxy takes it out.
    yield* deployment.cut("api1", "all")
    yield* deployment.awaitBackend("api1", "DOWN")
    mark("api1 cut off altogether; HAProxy sees it DOWN")

    // The client retries with the same key: it gets the task api1 made for its first try, the only one.
    for (const r of unanswered) {
      const made = yield* sql<{ id: string }>`SELECT id FROM tasks WHERE idempotency_key = ${r.key}`
      expect(made, "the cut host accepted the unanswered request").toHaveLength(1)
      const retried = yield* Effect.flatMap(Effect.orDie(post(r)), taskOf)
      expect(retried.id).toBe(made[0]?.id)
      expect(yield* sql`SELECT id FROM tasks WHERE idempotency_key = ${r.key}`).toHaveLength(1)
      accepted.push(retried.id)
    }

    // While api1 is out, every request goes to api2, and is answered.
    const sessionsOf = (name: string) =>
      Effect.map(deployment.backends(), (all) => all.find((b) => b.name === name)?.sessions ?? -1)
    const [api1Before, api2Before] = [yield* sessionsOf("api1"), yield* sessionsOf("api2")]
    const whileDown = yield* Effect.forEach([request()], (r) => Effect.flatMap(Effect.orDie(post(r)), taskOf))
    for (const task of whileDown) accepted.push(task.id)
    expect(yield* sessionsOf("api1")).toBe(api1Before)
    expect(yield* sessionsOf("api2")).toBe(api2Before + whileDown.length)

    mark("retried with its key: the same task; a new request went to api2")
    // No accepted task is lost: each finishes with exactly two of everything, then DELETE leaves nothing
    // (each task deleted as soon as it is counted, while the others still run).
    expect(new Set(accepted).size).toBe(3)
    yield* Effect.forEach(
      accepted,
      (id) =>
        Effect.gen(function* () {
          const task = yield* finishedTask(deployment.apiUrl, id, owner)
          const [first] = yield* sql<{ first: number }>`
            SELECT extract(epoch FROM min(started_at)) * 1000 AS first FROM task_timeline WHERE task_id = ${id}`
          const began = ((Number(first?.first) - start) / 1000).toFixed(1)
          mark(`task ${id} ${task.state}; its first stage began at ${began} s`)
          expect(task.state, `${id}: ${JSON.stringify(task.error)}`).toBe("SUCCEEDED")
          expect(yield* cloudCount(id, owner)).toEqual({ servers: 2, volumes: 2, ports: 2, floatingIps: 2 })
          yield* deleteServers(
            deployment,
            owner,
            id,
            task.result.servers.map((server) => server.id)
          )
          mark(`task ${id}: 2 of everything; deleted, nothing left`)
        }),
      { concurrency: "unbounded" }
    )

    // Healed, api1 answers its health check again (it reaches PostgreSQL) and HAProxy takes it back.
    yield* deployment.heal("api1")
    yield* deployment.awaitBackend("api1", "UP")
    mark("healed; HAProxy sees api1 UP")
    console.log(`api-host-cut:\n${steps.join("\n")}`)
  })
