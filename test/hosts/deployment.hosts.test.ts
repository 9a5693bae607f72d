/**
 * Enamel deployed across test hosts (network namespaces: two API hosts behind HAProxy, three worker
 * hosts, PostgreSQL, RabbitMQ and the dev cloud over a bridge), and the faults of a network, one after
 * another on the same deployment: each fault module runs tasks of `server.create` through HAProxy,
 * makes its fault, heals it, and checks exact counts per task, nothing left after DELETE, no task lost.
 * Needs root (ip netns, iptables) and Debian's haproxy; see the README's "Across hosts".
 */
import { describe, layer } from "@effect/vitest"
import { OpenStackClients, type SessionShape } from "@enamel/openstack-clients"
import { Context, Effect, Layer } from "effect"
import { sessionFor } from "../../packages/openstack-clients/test/support/cloud.js"
import { deleteUserKeysAtEnd, ServiceUser, TestDatabase } from "../e2e/enamel.js"
import { type Deployment, deployment } from "./deployment.js"
import { apiHostCut } from "./faults/apiHostCut.js"
import { fullCut, postgresCut, rabbitmqCut, rollingUpgrade } from "./faults/index.js"
import { lossAndDelay } from "./faults/lossAndDelay.js"
import { runFault } from "./faults/run.js"

class Hosts extends Context.Tag("test/hosts/Hosts")<
  Hosts,
  { readonly deployment: Deployment; readonly alice: SessionShape }
>() {}

/**
 * The deployment on a throw-away database, and alice, whose keys (made by the APIs) are deleted at the
 * end; built once for every fault below, and removed (processes, hosts, queues, database) after them.
 */
const HostsLive = Layer.scoped(
  Hosts,
  Effect.gen(function* () {
    const alice = yield* sessionFor("alice")
    yield* deleteUserKeysAtEnd(alice)
    return { deployment: yield* deployment(), alice }
  })
).pipe(
  Layer.provideMerge(ServiceUser),
  Layer.provideMerge(OpenStackClients.layer),
  Layer.provideMerge(TestDatabase.layer)
)

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
