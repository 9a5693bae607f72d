import { Either, Schema } from "effect"
import { InvalidTaskTransition } from "../errors.js"

/**
 * The life of a Task.
 *
 * ```text
 *   PENDING ──► RUNNING ──► SUCCEEDED
 *      │  ▲        │  └───► FAILED
 *      │  └────────┤        ▲
 *      │ (handed   ▼        │ (a compensation failed)
 *      │  back)  CANCELLING ┴──► CANCELLED
 *      └─────────────────────────► CANCELLED (cancelled before any worker took it)
 * ```
 *
 * - PENDING → RUNNING: a worker took the task.
 * - RUNNING → PENDING: a worker handed the task back durably (shutdown, long wait); another resumes it.
 * - RUNNING → SUCCEEDED | FAILED: the flow ended (FAILED after its compensations ran).
 * - RUNNING → CANCELLING: a user asked to cancel; the worker stops at the next stage boundary.
 * - CANCELLING → CANCELLED: everything created was undone; → FAILED if an undo failed;
 *   → SUCCEEDED when the flow finished before it reached a stage boundary to see the request.
 * - PENDING → CANCELLED: nothing ran, so nothing is undone.
 * - PENDING → FAILED: the task could not even start (e.g. its message could not be decoded).
 * SUCCEEDED, FAILED and CANCELLED are terminal.
 */
export const TaskState = Schema.Literal(
  "PENDING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLING",
  "CANCELLED"
)
export type TaskState = typeof TaskState.Type

const allowed: { readonly [S in TaskState]: ReadonlyArray<TaskState> } = {
  PENDING: ["RUNNING", "CANCELLED", "FAILED"],
  RUNNING: ["PENDING", "SUCCEEDED", "FAILED", "CANCELLING"],
  CANCELLING: ["CANCELLED", "FAILED", "SUCCEEDED"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: []
}

export const terminalStates: ReadonlyArray<TaskState> = ["SUCCEEDED", "FAILED", "CANCELLED"]

export const isTerminal = (state: TaskState): boolean => allowed[state].length === 0

export const nextStates = (state: TaskState): ReadonlyArray<TaskState> => allowed[state]

export const canTransition = (from: TaskState, to: TaskState): boolean => allowed[from].includes(to)

/** Checks a transition against the table above; the only way task states should change. */
export const transition = (
  from: TaskState,
  to: TaskState
): Either.Either<TaskState, InvalidTaskTransition> =>
  canTransition(from, to) ? Either.right(to) : Either.left(new InvalidTaskTransition({ from, to }))
