/**
 * The hosts soak (scripts/soak-hosts.sh; not part of CI): one deployment, and for ENAMEL_SOAK_MINUTES
 * (30 by default) faults from the list one after another, picked at random, each with its own tasks
 * running, so tasks run all the time. At the end every task of the run is counted: faults injected,
 * tasks, takeovers (claims of a task after another worker's), duplicates, leaks (anything left in the
 * cloud by a server.create task after DELETE) and lost (a task that never ended). Written to
 * .enamel/soak-hosts.json; the test fails when duplicates, leaks or lost are not 0, or a fault found a
 * property violated.
 */
import { writeFileSync } from "node:fs"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { TaskState } from "@enamel/domain"
import type { SessionShape } from "@enamel/openstack-clients"
import { Cause, Effect } from "effect"
import { cloudCount } from "../e2e/enamel.js"
import type { Deployment } from "./deployment.js"
import { apiHostCut } from "./faults/apiHostCut.js"
import { fullCut, postgresCut, rabbitmqCut, rollingUpgrade, upgradedWorkerEntry } from "./faults/index.js"
import { lossAndDelay } from "./faults/lossAndDelay.js"
import { report } from "./faults/run.js"
import type { FaultResult } from "./faults/support.js"
import { Hosts, HostsLive } from "./hostsLayer.js"
import { addTally, emptyTally, type Tally, type TasksServices } from "./tasks.js"

const minutes = Number(process.env.ENAMEL_SOAK_MINUTES ?? "30")

/** What the faults need from the test: the test database, the clients, Enamel's service session. */
type Needs =
  | TasksServices
  | Effect.Effect.Context<ReturnType<typeof apiHostCut>>
  | Effect.Effect.Context<ReturnType<typeof lossAndDelay>>

type Step = (d: Deployment, alice: SessionShape) => Effect.Effect<FaultResult | undefined, unknown, Needs>

/** The faults, by name. H1's (4, 5) assert with expect: a failed one counts as a violation. */
const faults = () => {
  let upgraded = false
  const ours =
    (f: typeof postgresCut): Step =>
    (d, alice) =>
      Effect.scoped(f(d, alice))
  const theirs =
    (name: string, f: typeof apiHostCut): Step =>
    (d, alice) =>
      f(d, alice).pipe(
        Effect.as(undefined),
        Effect.catchAllCause((cause) =>
          Effect.succeed({
            fault: name,
            tally: emptyTally,
            violations: [Cause.pretty(cause).split("\n").slice(0, 3).join(" ")],
            notes: [],
            outcomes: []
          } satisfies FaultResult)
        )
      )
  return new Map<string, Step>([
    ["postgres-cut", ours(postgresCut)],
    ["rabbitmq-cut", ours(rabbitmqCut)],
    ["full-cut", ours(fullCut)],
    ["api-host-cut", theirs("api-host-cut", apiHostCut)],
    ["loss-and-delay", theirs("loss-and-delay", lossAndDelay)],
    [
      "rolling-upgrade",
      (d, alice) => {
        // Back and forth between the newer build and the current one.
        upgraded = !upgraded
        return ours(rollingUpgrade(upgraded ? upgradedWorkerEntry : "packages/worker/src/main.ts"))(d, alice)
      }
    ]
  ])
}

describe("Enamel across hosts, soaked", () => {
  layer(HostsLive, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.effect(
      `${minutes} minutes of random faults`,
      () =>
        Effect.gen(function* () {
          const { deployment: d, alice } = yield* Hosts
          const steps = faults()
          const names = [...steps.keys()]
          const end = Date.now() + minutes * 60_000
          const injected = new Map<string, number>()
          const violations: Array<string> = []
          let tally: Tally = emptyTally
          while (Date.now() < end) {
            const name = names[Math.floor(Math.random() * names.length)] ?? "postgres-cut"
            const step = steps.get(name)
            if (step === undefined) continue
            injected.set(name, (injected.get(name) ?? 0) + 1)
            const started = Date.now()
            const result = yield* Effect.either(step(d, alice))
            if (result._tag === "Left") {
              // The whole error (which call, what answer): the fault stopped there and deleted nothing.
              violations.push(`${name}: failed: ${JSON.stringify(result.left)}`)
            } else if (result.right !== undefined) {
              tally = addTally(tally, result.right.tally)
              violations.push(...result.right.violations.map((v) => `${name}: ${v}`))
              console.log(report(result.right))
            }
            console.log(`soak: ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
          }

          // Every task of the run, whoever started it: ended? anything of a create left in the cloud?
          const sql = yield* SqlClient.SqlClient
          const tasks = yield* Effect.orDie(
            sql<{ id: string; type: string; state: string; restarts: number }>`
              SELECT id::text, type, state, restarts FROM tasks`
          )
          const lost = tasks.filter((t) => !TaskState.terminalStates.some((s) => s === t.state))
          const creates = tasks.filter((t) => t.type === "server.create")
          const leaked = yield* Effect.filter(
            creates,
            (t) =>
              Effect.map(
                Effect.orDie(cloudCount(t.id, alice)),
                (c) => c.servers + c.volumes + c.ports + c.floatingIps > 0
              ),
            { concurrency: 4 }
          )
          const figures = {
            minutes,
            faultsInjected: Object.fromEntries(injected),
            faults: [...injected.values()].reduce((a, b) => a + b, 0),
            tasks: tasks.length,
            serverCreateTasks: creates.length,
            takeovers: tasks.reduce((n, t) => n + t.restarts, 0),
            duplicates: tally.duplicates,
            leaks: leaked.length,
            lost: lost.length,
            failed: tally.failed,
            violations
          }
          writeFileSync(".enamel/soak-hosts.json", JSON.stringify(figures, null, 2))
          console.log(`soak: ${JSON.stringify(figures, null, 2)}`)
          expect({ duplicates: figures.duplicates, leaks: figures.leaks, lost: figures.lost }).toEqual({
            duplicates: 0,
            leaks: 0,
            lost: 0
          })
          expect(violations).toEqual([])
        }),
      (minutes + 15) * 60_000
    )
  })
})
