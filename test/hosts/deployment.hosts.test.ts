/**
 * Enamel deployed across test hosts (network namespaces: two API hosts behind HAProxy, three worker
 * hosts, PostgreSQL, RabbitMQ and the dev cloud over a bridge), and the faults of a network, one after
 * another on the same deployment: each fault module runs tasks of `server.create` through HAProxy,
 * makes its fault, heals it, and checks exact counts per task, nothing left after DELETE, no task lost.
 * Needs root (ip netns, iptables) and Debian's haproxy; see the README's "Across hosts".
 */
import { describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { apiHostCut } from "./faults/apiHostCut.js"
import { fullCut, postgresCut, rabbitmqCut, rollingUpgrade } from "./faults/index.js"
import { lossAndDelay } from "./faults/lossAndDelay.js"
import { runFault } from "./faults/run.js"
import { Hosts, HostsLive } from "./hostsLayer.js"

describe("Enamel across hosts", () => {
  layer(HostsLive, { timeout: 180_000, excludeTestServices: true })((it) => {
    it.effect(
      "fault 1: a worker host cut off from PostgreSQL stops its cloud calls inside its lease; another takes over; healed, it writes and creates nothing",
      () => Effect.flatMap(Hosts, ({ deployment, alice }) => runFault(postgresCut, deployment, alice)),
      240_000
    )

    it.effect(
      "fault 2: a worker host cut off from RabbitMQ: its tasks finish under its lease or are taken over, never both",
      () => Effect.flatMap(Hosts, ({ deployment, alice }) => runFault(rabbitmqCut, deployment, alice)),
      240_000
    )

    it.effect(
      "fault 3: a worker host cut off from everything for longer than its lease, then healed",
      () => Effect.flatMap(Hosts, ({ deployment, alice }) => runFault(fullCut, deployment, alice)),
      240_000
    )

    it.effect(
      "fault 4: an API host cut off: HAProxy sends everything to the other, no task lost, a retry gets its task",
      () => Effect.flatMap(Hosts, ({ deployment, alice }) => apiHostCut(deployment, alice)),
      240_000
    )
    it.effect(
      "fault 5: 10 % loss and 200 ms delay between the workers and PostgreSQL for a minute: no task duplicated or lost",
      () => Effect.flatMap(Hosts, ({ deployment, alice }) => lossAndDelay(deployment, alice)),
      240_000
    )

    it.effect(
      "fault 6: a rolling upgrade to a build with a new server.create version; every task finishes",
      () => Effect.flatMap(Hosts, ({ deployment, alice }) => runFault(rollingUpgrade(), deployment, alice)),
      240_000
    )
  })
})
