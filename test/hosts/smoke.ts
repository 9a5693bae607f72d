/** The deployment works at all: one `POST /servers` of two servers through HAProxy, then DELETE. */
import type { SessionShape } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { expect } from "vitest"
import { uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import { cloudCount, fullServers, tokenOf } from "../e2e/enamel.js"
import { finishedTask, taskOf } from "./client.js"
import type { Deployment } from "./deployment.js"

/** DELETEs each of the task's servers through HAProxy, expects every delete to succeed and nothing left. */
export const deleteServers = (
  deployment: Deployment,
  owner: SessionShape,
  taskId: string,
  serverIds: ReadonlyArray<string>
) =>
  Effect.gen(function* () {
    const token = yield* tokenOf(owner)
    const deletes = yield* Effect.forEach(serverIds, (id) =>
      Effect.flatMap(Effect.orDie(deployment.send("DELETE", `/servers/${id}`, { token })), taskOf)
    )
    yield* Effect.forEach(
      deletes,
      (deleting) =>
        Effect.map(finishedTask(deployment.apiUrl, deleting.id, owner), (deleted) =>
          expect(deleted.state, JSON.stringify(deleted.error)).toBe("SUCCEEDED")
        ),
      { concurrency: "unbounded" }
    )
    expect(yield* cloudCount(taskId, owner)).toEqual({ servers: 0, volumes: 0, ports: 0, floatingIps: 0 })
  })

export const smoke = (deployment: Deployment, owner: SessionShape) =>
  Effect.gen(function* () {
    const token = yield* tokenOf(owner)
    const since = Date.now()
    const answer = yield* Effect.orDie(
      deployment.send("POST", "/servers", {
        token,
        body: fullServers(uniqueName("hosts-smoke"), 2),
        headers: { "idempotency-key": uniqueName("smoke") }
      })
    )
    expect(answer.status, JSON.stringify(answer.body)).toBe(202)
    const accepted = yield* taskOf(answer)
    const task = yield* finishedTask(deployment.apiUrl, accepted.id, owner)
    expect(task.state, JSON.stringify(task.error)).toBe("SUCCEEDED")
    expect(task.result.servers).toHaveLength(2)
    expect(yield* cloudCount(task.id, owner)).toEqual({ servers: 2, volumes: 2, ports: 2, floatingIps: 2 })
    // The workers reached Nova from their hosts (through their forwarders, which logged each request).
    const creates = yield* Effect.forEach(deployment.workers, (worker) =>
      Effect.map(deployment.cloudRequests(worker.name, since), (requests) =>
        requests.filter(
          (r) => r.port === 8774 && r.request.endsWith("/servers") && r.request.startsWith("POST")
        )
      )
    )
    console.log(`smoke: server creates per worker host: ${creates.map((c) => c.length).join(", ")}`)
    expect(creates.flat()).toHaveLength(2)
    yield* deleteServers(
      deployment,
      owner,
      task.id,
      task.result.servers.map((server) => server.id)
    )
  })
