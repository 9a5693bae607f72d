/**
 * How tasks that ask for `network: "auto"` at the same time in a project agree on ONE default network,
 * with nothing but Neutron's networks and their tags (no table, no lock in Enamel). Neutron's own
 * auto-allocated topology raced here (bug 1591766: two calls, two topologies).
 *
 * A candidate is a network of the project tagged `enamel_default_network`; it is the default network
 * once it also carries `enamel_default_network_ready` (its subnet, router and interface all exist). Each
 * task, in `claimDefaultNetwork`, repeats:
 *
 * 1. List the candidates. A ready one: use it (deleting its own candidate, if it has one).
 * 2. Only its own candidate (by its token): it has won; it makes the rest and marks the network ready.
 * 3. No candidate at all: make its own (tagged `enamel_default_network` and with its task mark and
 *    token, so that a resume adopts it), and go to 1.
 * 4. Others' candidates, none ready: it is not alone. It deletes its own candidate, if it has one, and
 *    waits until one is ready or none is left (the one being made failed and was undone, or those were
 *    losers like itself); then after a random pause it goes to 1.
 *
 * Why "alone" and not "earliest by (created_at, id)": a network becomes visible to the tag filter only
 * when its tags are set, a second call after the create, and `created_at` has whole seconds. A task whose
 * network was made earlier but tagged later, or in the same second with a smaller id, would also call
 * itself the earliest of what it sees, while the task that listed before it became visible saw itself
 * alone: two winners. "Alone" is safe without clocks. Say A and B both won: A's list came after A was
 * visible and did not show B, so B became visible after A's list; B's list came after that and did not
 * show A, so A had been deleted by then, which a winner does not do while its task runs (its network
 * goes only if its task fails, taking what it made with it). The price is liveness: tasks that made
 * their candidates at the same moment may all see each other and all step back; the random pauses (each
 * round's longer) make one of them go first, and the others then find its candidate and wait. A task
 * that arrives while the network is being made finds a candidate that is not ready and waits (4).
 *
 * A winner that crashes is resumed: its claim stage, run again, adopts its candidate by token (1–2), or
 * its later stages adopt what they made; those waiting keep waiting. A winner whose task fails before
 * the network is ready undoes it all; those waiting see the candidate go, and start again.
 */
import { Array as Arr, Order } from "effect"
import { defaultNetworkReadyTag, tokenTag } from "../../cloud/marks.js"

/** A network tagged `enamel_default_network`, as the claim reads it. */
export interface Candidate {
  readonly id: string
  readonly tags: ReadonlyArray<string>
}

export const isReady = (candidate: Candidate): boolean => candidate.tags.includes(defaultNetworkReadyTag)

/** What a task does next, from the candidates it sees. */
export type ClaimStep =
  /** The default network exists and is ready: use it; delete `discard` (this task's own candidates). */
  | { readonly _tag: "Use"; readonly networkId: string; readonly discard: ReadonlyArray<string> }
  /** This task's candidate is the only one: it is the default network to make; `discard` are duplicates. */
  | { readonly _tag: "Won"; readonly networkId: string; readonly discard: ReadonlyArray<string> }
  /** There is no candidate: make one. */
  | { readonly _tag: "Create" }
  /** Others' candidates, none ready: delete `discard` (this task's own) and wait. */
  | { readonly _tag: "StepBack"; readonly discard: ReadonlyArray<string> }

const byId = Order.mapInput(Order.string, (candidate: Candidate) => candidate.id)

/** The next step of the task whose claim stage has this token, given the project's candidates. */
export const decide = (candidates: ReadonlyArray<Candidate>, token: string): ClaimStep => {
  const mark = tokenTag(token)
  const sorted = Arr.sort(candidates, byId)
  const [others, mine] = Arr.partition(sorted, (candidate) => candidate.tags.includes(mark))
  const ready = Arr.findFirst(sorted, isReady)
  if (ready._tag === "Some") {
    const networkId = ready.value.id
    return { _tag: "Use", networkId, discard: mine.filter((c) => c.id !== networkId).map((c) => c.id) }
  }
  if (others.length > 0) return { _tag: "StepBack", discard: mine.map((c) => c.id) }
  const [first, ...duplicates] = mine
  return first === undefined
    ? { _tag: "Create" }
    : { _tag: "Won", networkId: first.id, discard: duplicates.map((c) => c.id) }
}

/** Whether a task that stepped back may look again: a candidate is ready, or none is left. */
export const settled = (candidates: ReadonlyArray<Candidate>): boolean =>
  candidates.length === 0 || candidates.some(isReady)
