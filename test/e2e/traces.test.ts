/**
 * Traces (issue #21) on the dev cloud: alice's POST /servers through the real API (Keystone, Barbican,
 * PostgreSQL, RabbitMQ) and an in-process worker running server.create, with Effect's spans going through
 * OpenTelemetry's SDK into an in-memory exporter. The API's request span, the outbox relay's publish, the
 * worker's task span, its stages and its OpenStack calls form one trace, each with the right parent: the
 * trace context crosses the outbox row (its `traceparent` column) and the AMQP message (its header).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { makeInMemory, type ReadableSpan } from "@enamel/telemetry/testing"
import { Effect, Layer, Redacted } from "effect"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import { eventually } from "../support/poll.js"
import {
  call,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  inProcessWorkerSettings,
  type TaskBody
} from "./enamel.js"

const namespace = uniqueName("traces")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const traces = makeInMemory("enamel-traces-test")

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace, [["ENAMEL_ACCESS_LOG", "false"]])),
  // Outermost: every fiber of the API and the worker traces through OpenTelemetry into memory.
  Layer.provide(traces.layer)
)

const str = (span: ReadableSpan, key: string) => {
  const value = span.attributes[key]
  return typeof value === "string" ? value : undefined
}
const idOf = (span: ReadableSpan) => span.spanContext().spanId
const traceOf = (span: ReadableSpan) => span.spanContext().traceId
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

/** Whether `ancestor` is `span`'s parent, grandparent, … among the finished spans. */
const descends = (span: ReadableSpan, ancestor: ReadableSpan, all: ReadonlyArray<ReadableSpan>): boolean => {
  const byId = new Map(all.map((s) => [idOf(s), s]))
  let parent = parentOf(span)
  for (let hops = 0; parent !== undefined && hops < 100; hops++) {
    if (parent === idOf(ancestor)) return true
    parent = byId.get(parent)?.parentSpanContext?.spanId
  }
  return false
}

/** The spans of one trace as an indented tree, children in start order, with their ids as attributes. */
const treeOf = (spans: ReadonlyArray<ReadableSpan>): string => {
  const ids = new Set(spans.map(idOf))
  const children = (parent: string | undefined) =>
    spans
      .filter((s) => (parent === undefined ? !ids.has(parentOf(s) ?? "") : parentOf(s) === parent))
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
  const shown = [
    "enamel.task_id",
    "openstack.request_id",
    "http.response.status_code",
    "enamel.stage.attempt"
  ]
  const line = (span: ReadableSpan, depth: number): string => {
    const attributes = shown.flatMap((key) =>
      span.attributes[key] === undefined ? [] : [`${key}=${String(span.attributes[key])}`]
    )
    return [
      `${"  ".repeat(depth)}${span.name}${attributes.length > 0 ? `  (${attributes.join(" ")})` : ""}`,
      ...children(idOf(span)).map((child) => line(child, depth + 1))
    ].join("\n")
  }
  return `${children(undefined)
    .map((root) => line(root, 0))
    .join("\n")}\n`
}

describe("Traces across the API, the outbox relay, RabbitMQ and the worker", () => {
  layer(Enamel, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.scoped("POST /servers is one trace: request, publish, task, stages and OpenStack calls", () =>
      Effect.gen(function* () {
        const alice = yield* sessionFor("alice")
        yield* deleteUserKeysAtEnd(alice)
        const token = Redacted.value((yield* alice.authentication).token)
        const accepted = yield* call("POST", "/servers", token, {
          name: uniqueName("traces"),
          image: "tiny",
          flavor: "m1.tiny",
          networks: [{ network: "private" }]
        })
        expect(accepted.status).toBe(202)
        const taskId = (accepted.body as TaskBody).task.id
        const task = yield* finished(taskId, token)
        expect(task.state).toBe("SUCCEEDED")
        const serverId = task.result.servers[0]?.id
        expect(serverId).toBeDefined()

        // The task's span ends once its delivery is settled, a moment after the task ended.
        const spans = yield* eventually(
          Effect.sync(() => traces.spans()),
          (all) => all.some((s) => s.name === "TaskExecutor.execute" && str(s, "enamel.task_id") === taskId),
          { what: "the worker's task span", timeout: "30 seconds", every: "100 millis" }
        )

        const request = spans.find(
          (s) =>
            str(s, "url.path") === "/servers" &&
            str(s, "http.request.method") === "POST" &&
            s.name.startsWith("http.server")
        )
        expect(request, "the API's span for POST /servers").toBeDefined()
        if (request === undefined) return
        const trace = traceOf(request)
        const inTrace = spans.filter((s) => traceOf(s) === trace)

        const publish = inTrace.find(
          (s) => s.name === "OutboxRelay.publish" && str(s, "enamel.task_id") === taskId
        )
        expect(publish, "the relay's publish span, in the request's trace").toBeDefined()
        if (publish === undefined) return
        expect(descends(publish, request, spans)).toBe(true)
        expect(str(publish, "messaging.destination.name")).toBe("server.create")

        const run = inTrace.find(
          (s) => s.name === "TaskExecutor.execute" && str(s, "enamel.task_id") === taskId
        )
        expect(run, "the worker's task span, in the request's trace").toBeDefined()
        if (run === undefined) return
        // Across RabbitMQ: the task's span is the publish span's child (the AMQP header's traceparent).
        expect(parentOf(run)).toBe(idOf(publish))
        expect(str(run, "enamel.task_type")).toBe("server.create")

        const stages = inTrace.filter((s) => s.name.startsWith("Stage.run "))
        expect(stages.length).toBeGreaterThan(2)
        for (const stage of stages) {
          expect(descends(stage, run, spans)).toBe(true)
          expect(str(stage, "enamel.task_id")).toBe(taskId)
        }
        const boot = stages.find((s) => s.name.endsWith("bootServer"))
        expect(boot, `a bootServer stage among ${stages.map((s) => s.name).join(", ")}`).toBeDefined()
        if (boot === undefined) return

        // Each OpenStack call of the task: service, method, status, OpenStack's request id and the task id.
        const calls = inTrace.filter((s) => s.name.startsWith("OpenStack ") && descends(s, run, spans))
        expect(calls.length).toBeGreaterThan(2)
        for (const c of calls) {
          expect(str(c, "enamel.task_id")).toBe(taskId)
          expect(str(c, "openstack.service")).toBeDefined()
        }
        const create = calls.find(
          (s) => str(s, "openstack.service") === "nova" && str(s, "http.request.method") === "POST"
        )
        expect(create, `Nova's POST among ${calls.map((s) => s.name).join(", ")}`).toBeDefined()
        if (create === undefined) return
        expect(descends(create, boot, spans)).toBe(true)
        expect(create.attributes["http.response.status_code"]).toBe(202)
        expect(str(create, "openstack.request_id")).toMatch(/^req-[0-9a-f-]{36}$/)
        // The same request id the task's timeline shows for the stage.
        const bootEntry = task.timeline.find((e) => e.stage.endsWith("bootServer") && e.state === "SUCCEEDED")
        expect(bootEntry?.request_ids).toContain(str(create, "openstack.request_id"))

        // The background loops (callback sweeps every 2 s, waiters, leases, fleet tuning, retention) ran
        // all along without starting traces of their own: no database statement outside a request or task.
        const statement = (s: ReadableSpan) => String(s.attributes["db.query.text"] ?? "")
        const orphanStatements = spans.filter(
          (s) =>
            s.name === "sql.execute" &&
            parentOf(s) === undefined &&
            !statement(s).startsWith("CREATE DATABASE")
        )
        expect(orphanStatements.map(statement), "statements traced outside any request or task").toEqual([])

        // For a person: the trace as a tree (a test artifact, git-ignored).
        mkdirSync(".enamel/artifacts", { recursive: true })
        writeFileSync(".enamel/artifacts/trace.txt", treeOf(inTrace))

        // Clean up: the server and its port, through Enamel.
        const deleted = yield* call("DELETE", `/servers/${serverId}`, token)
        expect(deleted.status).toBe(202)
        const removal = yield* finished((deleted.body as TaskBody).task.id, token)
        expect(removal.state).toBe("SUCCEEDED")
      })
    )
  })
})
