/** The fault rules in force in one double (see `faults.ts` for what a rule says). */
import { Effect } from "effect"
import { type FaultAnswer, type FaultRule, type InjectedFault, matches } from "./faults.js"
import type { CloudCall } from "./http.js"

interface ActiveRule {
  readonly rule: FaultRule
  seen: number
  fired: number
  removed: boolean
}

/** The rules in force, in the order they were added; the first that picks a call decides. */
export const makeRules = () =>
  Effect.sync(() => {
    let rules: Array<ActiveRule> = []
    const add = (rule: FaultRule): Effect.Effect<InjectedFault> =>
      Effect.sync(() => {
        const active: ActiveRule = { rule, seen: 0, fired: 0, removed: false }
        rules.push(active)
        return {
          fired: Effect.sync(() => active.fired),
          remove: Effect.sync(() => {
            active.removed = true
            rules = rules.filter((r) => r !== active)
          })
        }
      })
    /** Every rule counts the calls it matches; the first one that picks this call answers it. */
    const pick = (call: CloudCall): FaultAnswer | undefined => {
      let picked: FaultAnswer | undefined
      for (const active of rules) {
        if (active.removed || !matches(active.rule, call)) continue
        active.seen += 1
        const fires = active.rule.nth === undefined || active.rule.nth === active.seen
        if (fires && picked === undefined) {
          active.fired += 1
          picked = active.rule.answer
        }
      }
      return picked
    }
    const clear = Effect.sync(() => {
      rules = []
    })
    return { add, pick, clear }
  })
