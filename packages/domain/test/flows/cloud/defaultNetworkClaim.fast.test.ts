/**
 * The default network's claim (`server-create/defaultNetwork/claim.ts`), decided from what a task sees:
 * use a ready one; win only when its own candidate is alone; step back (deleting its own) when others'
 * candidates are there. The races themselves run in `serverCreateAutoNetwork.checklist.fast.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import { decide, settled } from "../../../src/flows/server-create/defaultNetwork/claim.js"

const token = "enamel-t-1-defaultNetwork/claimDefaultNetwork"
const other = "enamel-t-2-defaultNetwork/claimDefaultNetwork"
const candidate = (id: string, ofToken: string, ready = false) => ({
  id,
  tags: [
    "enamel_default_network",
    `enamel_token=${ofToken}`,
    ...(ready ? ["enamel_default_network_ready"] : [])
  ]
})

describe("the default network's claim", () => {
  it("creates a candidate when the project has none", () => {
    expect(decide([], token)).toEqual({ _tag: "Create" })
  })

  it("wins when its own candidate is the only one, and deletes a duplicate of its own", () => {
    expect(decide([candidate("b", token)], token)).toEqual({ _tag: "Won", networkId: "b", discard: [] })
    expect(decide([candidate("c", token), candidate("b", token)], token)).toEqual({
      _tag: "Won",
      networkId: "b",
      discard: ["c"]
    })
  })

  it("steps back, deleting its own, when another task's candidate is there (whichever is older or smaller)", () => {
    expect(decide([candidate("a", other), candidate("b", token)], token)).toEqual({
      _tag: "StepBack",
      discard: ["b"]
    })
    expect(decide([candidate("z", other), candidate("b", token)], token)).toEqual({
      _tag: "StepBack",
      discard: ["b"]
    })
    expect(decide([candidate("z", other)], token)).toEqual({ _tag: "StepBack", discard: [] })
  })

  it("uses a ready network, deleting its own candidate", () => {
    expect(decide([candidate("z", other, true), candidate("b", token)], token)).toEqual({
      _tag: "Use",
      networkId: "z",
      discard: ["b"]
    })
    expect(decide([candidate("z", other, true)], token)).toEqual({ _tag: "Use", networkId: "z", discard: [] })
  })

  it("waits until a candidate is ready or none is left", () => {
    expect(settled([])).toBe(true)
    expect(settled([candidate("z", other)])).toBe(false)
    expect(settled([candidate("z", other), candidate("y", other, true)])).toBe(true)
  })
})
