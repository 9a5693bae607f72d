/** Runs a fault as a test: its notes printed, each property it found violated a failure. */
import type { SessionShape } from "@enamel/openstack-clients"
import { Effect } from "effect"
import { expect } from "vitest"
import type { Deployment } from "../deployment.js"
import type { Fault, FaultResult } from "./support.js"

/** The fault's notes and figures, one line each. */
export const report = (result: FaultResult) =>
  [
    `${result.fault}: ${JSON.stringify(result.tally)}`,
    ...result.notes.map((n) => `  ${n}`),
    ...result.violations.map((v) => `  VIOLATED: ${v}`)
  ].join("\n")

export const runFault = (fault: Fault, deployment: Deployment, alice: SessionShape) =>
  Effect.scoped(fault(deployment, alice)).pipe(
    Effect.tap((result) =>
      Effect.sync(() => {
        console.log(report(result))
        expect(result.violations).toEqual([])
      })
    )
  )
