import { execFileSync } from "node:child_process"
import { describe, expect, it } from "@effect/vitest"
import { BrokerAmqp } from "@enamel/broker"
import { drainTopic as drain } from "@enamel/broker/testing"
import { Effect } from "effect"
import { eventually } from "../../../test/support/poll.js"

const message = (topic: string, body: string, priority: number) => ({
  routingKey: topic,
  messageId: crypto.randomUUID(),
  priority,
  body
})

describe("RabbitMQ broker", () => {
  it.scoped("keeps confirmed, persistent messages in a priority queue declared before any consumer", () =>
    Effect.gen(function* () {
      const broker = yield* BrokerAmqp.make
      const topic = `test.t${crypto.randomUUID().slice(0, 8)}`
      yield* broker.publish([message(topic, "low", 1), message(topic, "high", 9), message(topic, "mid", 5)])
      const got = yield* drain(topic)
      expect(got.map((m) => m.body)).toEqual(["high", "mid", "low"])
      expect(got.every((m) => m.persistent)).toBe(true)
    })
  )

  it.scopedLive("reconnects by itself after RabbitMQ closes its connection", () =>
    Effect.gen(function* () {
      const broker = yield* BrokerAmqp.make
      const topic = `test.t${crypto.randomUUID().slice(0, 8)}`
      yield* broker.publish([message(topic, "before", 0)])
      // Close only this process's connection, as a broker restart would.
      const listed = execFileSync(
        "rabbitmqctl",
        ["-q", "list_connections", "pid", "name", "client_properties"],
        {
          encoding: "utf8"
        }
      )
      const ours = listed.split("\n").find((line) => line.includes(`enamel-${process.pid}`))
      expect(ours).toBeDefined()
      const pid = (ours ?? "").split("\t")[0] ?? ""
      execFileSync("rabbitmqctl", ["-q", "close_connection", pid, "test"])
      // Gone on RabbitMQ's side, so nothing published from now on can reach a queue through it.
      yield* eventually(
        Effect.sync(() =>
          execFileSync("rabbitmqctl", ["-q", "list_connections", "pid"], { encoding: "utf8" })
        ),
        (listed) => !listed.split("\n").some((line) => line.trim() === pid),
        { what: `RabbitMQ to close connection ${pid}`, every: "200 millis" }
      )
      const afterClose = yield* Effect.either(broker.publish([message(topic, "after", 0)]))
      // The first publish on the dead link may fail (the caller keeps the message); the next succeeds.
      if (afterClose._tag === "Left") yield* broker.publish([message(topic, "after", 0)])
      const got = yield* drain(topic)
      expect(got.map((m) => m.body)).toEqual(["before", "after"])
    })
  )
})
