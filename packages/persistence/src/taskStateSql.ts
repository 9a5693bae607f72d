import { Statement } from "@effect/sql"
import { TaskState } from "@enamel/domain"

/**
 * The SQL of `TaskState`'s events, so that no statement spells a state change of its own. Built once,
 * when the module loads; the states go in as literals, not parameters, so each statement keeps one text
 * and one plan (and a predicate a partial index can match).
 */

/** Quoted for SQL. Only `TaskState`'s own words (capitals) get in, so there is nothing to escape. */
const quote = (value: TaskState.TaskState) => {
  if (!TaskState.TaskState.literals.includes(value)) throw new Error(`not a task state: ${value}`)
  return `'${value}'`
}

/** A state as an SQL literal. */
export const state = (value: TaskState.TaskState) => Statement.unsafeFragment(quote(value))

/** `state IN ('…', …)`; never empty, so it is never `IN ()`. */
export const stateIn = (states: ReadonlyArray<TaskState.TaskState>) => {
  if (states.length === 0) throw new Error("stateIn needs at least one state")
  return Statement.unsafeFragment(`state IN (${states.map(quote).join(", ")})`)
}

/** The state a new task is written with, as SQL text (the accept statement is text: a named one). */
export const initial = quote(TaskState.initialState)

/** `state IN (…)` of the states a task is unfinished in: those the table lets it leave. */
export const unfinished = stateIn(TaskState.TaskState.literals.filter((s) => !TaskState.isTerminal(s)))

/** An event, rendered for an `UPDATE tasks`. */
export interface EventSql {
  /**
   * `CASE state WHEN 'PENDING' THEN 'RUNNING' … END` (`ELSE state` when the event has stays): the
   * new `state` of a row that `applies` selected. The CASE alone refuses nothing: always pair them.
   */
  readonly next: Statement.Fragment
  /** `state IN (…)`: the rows the event applies to. Any other row is refused, left untouched. */
  readonly applies: Statement.Fragment
  /** `state IN (…)` of the states the event ends a task from (`FALSE` if none): for `ended_at`. */
  readonly ends: Statement.Fragment
}

export const render = (event: TaskState.TaskEvent): EventSql => {
  const moves = TaskState.TaskState.literals.flatMap((from) => {
    const to = event.moves[from]
    return to === undefined ? [] : [{ from, to }]
  })
  const whens = moves.map(({ from, to }) => `WHEN ${quote(from)} THEN ${quote(to)}`).join(" ")
  const otherwise = event.keeps.length > 0 ? " ELSE state" : ""
  const ending = moves.filter(({ to }) => TaskState.isTerminal(to)).map(({ from }) => from)
  return {
    // An event of stays only has no WHEN to write: CASE needs one.
    next: Statement.unsafeFragment(moves.length === 0 ? "state" : `CASE state ${whens}${otherwise} END`),
    applies: stateIn(TaskState.appliesIn(event)),
    ends: ending.length === 0 ? Statement.unsafeFragment("FALSE") : stateIn(ending)
  }
}

export const claim = render(TaskState.claim)
export const cancel = render(TaskState.cancel)
export const handBack = render(TaskState.handBack)
export const retry = render(TaskState.retry)
export const rollback = render(TaskState.rollback)
const finishes = {
  SUCCEEDED: render(TaskState.finish("SUCCEEDED")),
  FAILED: render(TaskState.finish("FAILED")),
  CANCELLED: render(TaskState.finish("CANCELLED")),
  ROLLED_BACK: render(TaskState.finish("ROLLED_BACK"))
} satisfies Record<TaskState.Outcome, EventSql>
export const finish = (outcome: TaskState.Outcome): EventSql => finishes[outcome]
