import { Neutron, type OpenStackError, Session } from "@enamel/openstack-clients"
import { Duration, Effect, Option, Random, Schedule, Schema } from "effect"
import type { StageContext } from "../../../engine/flow/Stage.js"
import { adoptOrCreate } from "../../cloud/adopt.js"
import * as CloudStage from "../../cloud/CloudStage.js"
import { defaultNetworkTag, neutronTags, taskOfTags, tokenTag } from "../../cloud/marks.js"
import { removeNetwork } from "../../cloud/remove.js"
import { DefaultNetworkNotReady } from "../errors.js"
import { type Candidate, decide, settled } from "./claim.js"
import { unlessPublished } from "./published.js"

/** The name of the project's default network; its subnet and router are named after it. */
export const defaultNetworkName = "enamel-auto"

/**
 * How a task that stepped back waits: it looks at the candidates every second until one is ready or
 * none is left (`settled`), for at most 5 minutes; it answers the candidates it saw last.
 */
const untilSettled = Schedule.recurWhile((candidates: ReadonlyArray<Candidate>) => !settled(candidates)).pipe(
  Schedule.intersect(Schedule.spaced(Duration.seconds(1))),
  Schedule.intersect(Schedule.recurs(300)),
  Schedule.passthrough
)

/** How many times a task steps back before it gives up (tasks that keep colliding). */
const maxRounds = 8

/**
 * The random pause before a task that stepped back looks again: up to 0.5 s before its first new look,
 * doubling each round, at most 8 s, so that tasks that collided do not collide again.
 */
const pauseBeforeRound = (round: number) =>
  Effect.flatMap(Random.nextIntBetween(0, Math.min(8000, 500 * 2 ** (round - 1)) + 1), (millis) =>
    Effect.sleep(Duration.millis(millis))
  )

/** The project's candidates: its networks tagged `enamel_default_network` (claim.ts). */
export const listCandidates = Effect.gen(function* () {
  const session = yield* Session
  const projectId = (yield* session.authentication).info.project?.id
  const networks = yield* Neutron.listNetworks({
    tags: [defaultNetworkTag],
    ...(projectId === undefined ? {} : { projectId })
  })
  return networks.map((network): Candidate => ({ id: network.id, tags: network.tags }))
})

const removeAll = (ids: ReadonlyArray<string>) => Effect.forEach(ids, removeNetwork, { discard: true })

/**
 * The candidate the claim stage with this token made, if any. A network that carries the token only in
 * its description was cut off between create and tag (Neutron tags take a second call): it is deleted
 * (and made again), so that every candidate is found by its tags.
 */
const ownCandidate = (token: string) =>
  Effect.gen(function* () {
    const tagged = (yield* listCandidates).find((candidate) => candidate.tags.includes(tokenTag(token)))
    if (tagged !== undefined) return Option.some(tagged)
    const untagged = (yield* Neutron.listNetworks({ name: defaultNetworkName })).filter(
      (network) => network.description === token && !network.tags.includes(defaultNetworkTag)
    )
    yield* removeAll(untagged.map((network) => network.id))
    return Option.none()
  })

/** The candidates that kept a task waiting, for the error: each network and the task that made it. */
const describeCandidates = (candidates: ReadonlyArray<Candidate>) =>
  candidates.map((c) => `network ${c.id} (made by task ${taskOfTags(c.tags) ?? "unknown"})`).join(", ")

export const ClaimedNetwork = Schema.Struct({
  network_id: Schema.String,
  /** True: this task made the network, and makes its subnet, router and interface; false: found ready. */
  claimed: Schema.Boolean
})
export type ClaimedNetwork = typeof ClaimedNetwork.Type

type ClaimError = OpenStackError | DefaultNetworkNotReady
type Claim = Effect.Effect<ClaimedNetwork, ClaimError, Neutron | Session>

/** The claim (claim.ts): look, and create, step back or wait, until this task won or found one ready. */
const claim = (context: StageContext): Claim => {
  const token = context.idempotencyToken
  const create = Neutron.createNetwork({
    name: defaultNetworkName,
    description: token,
    tags: [defaultNetworkTag, ...neutronTags(context.taskId, token)]
  })

  /** Deletes its own candidates, waits until one is ready or none is left, pauses, and looks again. */
  const stepBack = (round: number, discard: ReadonlyArray<string>): Claim =>
    Effect.gen(function* () {
      yield* removeAll(discard)
      const seen = yield* Effect.repeat(listCandidates, untilSettled)
      if (!settled(seen)) {
        return yield* new DefaultNetworkNotReady({
          detail: `it was still being made after 5 minutes: ${describeCandidates(seen)}`
        })
      }
      if (round >= maxRounds) {
        return yield* new DefaultNetworkNotReady({
          detail: `the tasks asking for it at once collided ${maxRounds} times`
        })
      }
      yield* pauseBeforeRound(round + 1)
      return yield* look(round + 1, false)
    })

  /** One look at the candidates; `created`: this task has just made its own. */
  const look = (round: number, created: boolean): Claim =>
    Effect.gen(function* () {
      const step = decide(yield* listCandidates, token)
      switch (step._tag) {
        case "Use":
          yield* removeAll(step.discard)
          return { network_id: step.networkId, claimed: false }
        case "Won":
          yield* removeAll(step.discard)
          return { network_id: step.networkId, claimed: true }
        case "StepBack":
          return yield* stepBack(round, step.discard)
        case "Create":
          // Its own candidate went meanwhile (it cannot, but if it did): start again.
          if (created) return yield* stepBack(round, [])
          // The first time, a resumed attempt adopts what a cut-off one made (by its token).
          yield* round === 0 ? adoptOrCreate(context, ownCandidate(token), create) : create
          return yield* look(round, true)
      }
    })
  return look(0, false)
}

/**
 * Creates: the project's default network (`enamel-auto`, tagged `enamel_default_network`), when the
 * project has none and this task wins the claim (`claim.ts`); otherwise it finds the ready one and
 * creates nothing. A claim that fails takes its own candidate with it, so that it keeps no task waiting.
 * Undo: deletes the network it made, unless that became the project's default network and is kept
 * (`markDefaultNetworkReady`'s undo decides).
 */
export const claimDefaultNetwork = CloudStage.make({
  name: "claimDefaultNetwork",
  result: ClaimedNetwork,
  run: (_: undefined, context: StageContext) =>
    claim(context).pipe(
      Effect.tapError(() =>
        Effect.ignore(
          Effect.flatMap(ownCandidate(context.idempotencyToken), (own) =>
            Option.match(own, {
              onNone: () => Effect.void,
              onSome: (candidate) => removeNetwork(candidate.id)
            })
          )
        )
      ),
      Effect.withSpan("ServerCreate.claimDefaultNetwork")
    ),
  compensate: (claimed, context) =>
    claimed.claimed ? unlessPublished(context.taskId, removeNetwork(claimed.network_id)) : Effect.void
})
