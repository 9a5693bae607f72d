import { Either, Option, Schema } from "effect"
import { InvalidTaskTransition } from "../errors.js"

/**
 * The life of a Task.
 *
 * ```text
 *   PENDING ──► RUNNING ──► SUCCEEDED
 *      │  ▲      ▲ │  └───► FAILED ──────────────┐ (held: on_failure "keep")
 *      │  └──────┼─┤        ▲  ▲ │               │
 *      │ (handed │ ▼        │  │ └─ retry ───────┼──► RUNNING
 *      │  back)  CANCELLING ┴──┼──► CANCELLED    └─ rollback ─► ROLLING_BACK ──► ROLLED_BACK
 *      │                       └─────────────────────────────────────┘ (an undo failed)
 *      └─────────────────────────► CANCELLED (cancelled before any worker took it)
 * ```
 *
 * - PENDING → RUNNING: a worker took the task.
 * - RUNNING → PENDING: a worker handed the task back durably (shutdown, long wait); another resumes it.
 * - RUNNING → SUCCEEDED | FAILED: the flow ended (FAILED after its compensations ran, or, for a task
 *   asked with `on_failure: "keep"`, FAILED and *held*: nothing was undone, the failed stage is named).
 * - RUNNING → CANCELLING: a user asked to cancel; the worker stops at the next stage boundary.
 * - CANCELLING → CANCELLED: everything created was undone; → FAILED if an undo failed;
 *   → SUCCEEDED when the flow finished before it reached a stage boundary to see the request.
 * - PENDING → CANCELLED: nothing ran, so nothing is undone.
 * - PENDING → FAILED: the task could not even start. Allowed, but no event below makes it today: the
 *   worker claims such a task first (unknown type or flow version, too many restarts), then finishes
 *   it FAILED.
 * - FAILED → RUNNING (`retry`): a held task resumes from the stage that failed; the stages it completed
 *   are not run again. Only a held task: the store guards the event on `held`.
 * - FAILED → ROLLING_BACK (`rollback`): a held task's worker undoes what it made, latest first;
 *   ROLLING_BACK → ROLLED_BACK when every undo succeeded, → FAILED (not held) when one failed.
 *
 * Two notions of "ended": a task is *terminal* (`isTerminal`, `terminalStates`) when no worker runs it —
 * SUCCEEDED, FAILED, CANCELLED, ROLLED_BACK: waits, callbacks, retention and the event stream end there.
 * A task is *final* (`isFinal`) when nothing can move it any more: the terminal states but a FAILED one,
 * which a retry or a rollback may take up again while it is held.
 *
 * States change only through the events at the end of this module, each checked against this table
 * when the module loads; the SQL that changes a task's state is rendered from them
 * (`@enamel/persistence`'s `taskStateSql.ts`).
 */
export const TaskState = Schema.Literal(
  "PENDING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLING",
  "CANCELLED",
  "ROLLING_BACK",
  "ROLLED_BACK"
)
export type TaskState = typeof TaskState.Type

const allowed: { readonly [S in TaskState]: ReadonlyArray<TaskState> } = {
  PENDING: ["RUNNING", "CANCELLED", "FAILED"],
  RUNNING: ["PENDING", "SUCCEEDED", "FAILED", "CANCELLING"],
  CANCELLING: ["CANCELLED", "FAILED", "SUCCEEDED"],
  SUCCEEDED: [],
  // Only a held task leaves FAILED (the events below, guarded on `held` by the store).
  FAILED: ["RUNNING", "ROLLING_BACK"],
  CANCELLED: [],
  ROLLING_BACK: ["ROLLED_BACK", "FAILED"],
  ROLLED_BACK: []
}

/** The states no worker runs a task in: it has stopped (see the module's note on "terminal" and "final"). */
export const terminalStates: ReadonlyArray<TaskState> = ["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK"]

/** The task has stopped: no worker runs it. A held FAILED task is terminal, though a retry may move it. */
export const isTerminal = (state: TaskState): boolean => terminalStates.includes(state)

/** Nothing can move the task any more: the table lets it leave for no state. */
export const isFinal = (state: TaskState): boolean => allowed[state].length === 0

export const nextStates = (state: TaskState): ReadonlyArray<TaskState> => allowed[state]

export const canTransition = (from: TaskState, to: TaskState): boolean => allowed[from].includes(to)

/** Checks a transition against the table above; the only way task states should change. */
export const transition = (
  from: TaskState,
  to: TaskState
): Either.Either<TaskState, InvalidTaskTransition> =>
  canTransition(from, to) ? Either.right(to) : Either.left(new InvalidTaskTransition({ from, to }))

/** Where every task starts: the state a new row is written with. */
export const initialState: TaskState = "PENDING"

/**
 * Something that happens to a task and may change its state: for each state it applies in, the state
 * it leads to (`moves`), or none (`keeps`: a stay, allowed explicitly, for the table holds only
 * changes). In any other state the event is refused and the task is left as it was.
 */
export interface TaskEvent {
  readonly name: string
  readonly moves: { readonly [S in TaskState]?: TaskState }
  readonly keeps: ReadonlyArray<TaskState>
}

/**
 * An event whose every move the table allows. Throws otherwise: the events are built when this module
 * loads, so a table and an event that disagree fail every program and test that imports the domain.
 */
export const makeEvent = (
  name: string,
  moves: TaskEvent["moves"],
  keeps: ReadonlyArray<TaskState> = []
): TaskEvent => {
  for (const from of TaskState.literals) {
    const to = moves[from]
    if (to === undefined) continue
    if (to === from) throw new Error(`task event ${name}: ${from} → ${from} is a stay; list it in keeps`)
    if (keeps.includes(from)) throw new Error(`task event ${name}: ${from} both moves and stays`)
    Either.getOrThrowWith(transition(from, to), (e) => new Error(`task event ${name}: ${e.message}`))
  }
  for (const kept of keeps) {
    // A finished task is never touched again, not even to stay what it is.
    if (isTerminal(kept)) throw new Error(`task event ${name}: ${kept} is terminal and cannot stay`)
  }
  return { name, moves, keeps }
}

/** The state after the event, or None when the event is refused in `from`. */
export const stateAfter = (event: TaskEvent, from: TaskState): Option.Option<TaskState> => {
  const to = event.moves[from]
  if (to !== undefined) return Option.some(to)
  return event.keeps.includes(from) ? Option.some(from) : Option.none()
}

/** The states the event applies in (moves and stays), in the order of `TaskState`. */
export const appliesIn = (event: TaskEvent): ReadonlyArray<TaskState> =>
  TaskState.literals.filter((from) => Option.isSome(stateAfter(event, from)))

/** A worker takes the task; one that was handed back, or whose lease expired, is taken again as it is. */
export const claim = makeEvent("claim", { PENDING: "RUNNING" }, ["RUNNING", "CANCELLING", "ROLLING_BACK"])

/** A user asks to cancel: at once when nothing ran; else the worker undoes and ends the task. */
export const cancel = makeEvent("cancel", { PENDING: "CANCELLED", RUNNING: "CANCELLING" }, ["CANCELLING"])

/** The worker gives the task up for another (shutdown, the store out); a requested cancel is kept. */
export const handBack = makeEvent("handBack", { RUNNING: "PENDING" }, ["CANCELLING", "ROLLING_BACK"])

/** A user retries a held task: a worker resumes it from the stage that failed (store: only when held). */
export const retry = makeEvent("retry", { FAILED: "RUNNING" })

/** A user rolls a held task back: a worker undoes what it made (store: only when held). */
export const rollback = makeEvent("rollback", { FAILED: "ROLLING_BACK" })

/** How a worker ends a task: the terminal state it writes. */
export type Outcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "ROLLED_BACK"

const finishes: { readonly [O in Outcome]: TaskEvent } = {
  SUCCEEDED: makeEvent("finish(SUCCEEDED)", { RUNNING: "SUCCEEDED", CANCELLING: "SUCCEEDED" }),
  FAILED: makeEvent("finish(FAILED)", { RUNNING: "FAILED", CANCELLING: "FAILED", ROLLING_BACK: "FAILED" }),
  // Only a task whose cancel was asked for ends CANCELLED: a worker sees the request through CANCELLING.
  CANCELLED: makeEvent("finish(CANCELLED)", { CANCELLING: "CANCELLED" }),
  // Only a rollback ends ROLLED_BACK: the undos of a held task all succeeded.
  ROLLED_BACK: makeEvent("finish(ROLLED_BACK)", { ROLLING_BACK: "ROLLED_BACK" })
}

/** The worker ends the task it holds with the flow's outcome. */
export const finish = (outcome: Outcome): TaskEvent => finishes[outcome]

/** Every event, for the tests that hold the SQL to them. */
export const events: ReadonlyArray<TaskEvent> = [
  claim,
  cancel,
  handBack,
  retry,
  rollback,
  ...Object.values(finishes)
]
