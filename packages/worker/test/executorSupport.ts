/** What the executor's tests against a real PostgreSQL share: a recording delivery, and leases made to fail. */
import type { Delivery } from "@enamel/broker"
import { TaskLeases } from "@enamel/persistence"
import { Effect, Layer, Ref } from "effect"

/** A delivery of `body` that records how it was settled. */
export const recordingDelivery = (body: string) =>
  Effect.map(Ref.make<ReadonlyArray<string>>([]), (settled) => {
    const record = (how: string) => Ref.update(settled, (all) => [...all, how])
    return {
      delivery: {
        body,
        messageId: undefined,
        redelivered: false,
        ack: record("ack"),
        requeue: record("requeue"),
        deadLetter: record("deadLetter")
      } satisfies Delivery,
      settled: Ref.get(settled)
    }
  })

/** The real leases on the test database, with the statements `override` replaces. */
export const leasesOverriding = (override: (real: TaskLeases) => Partial<TaskLeases>) =>
  Layer.effect(
    TaskLeases,
    Effect.map(TaskLeases, (real) => new TaskLeases({ ...real, ...override(real) }))
  ).pipe(Layer.provide(TaskLeases.Default))
