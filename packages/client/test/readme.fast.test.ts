/**
 * The README's example is `examples/create-servers.ts` from its first import on, so the example a reader
 * copies is one the type-check has seen (the examples folder is part of it) and that has been run.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const here = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8")

describe("packages/client/README.md", () => {
  it("shows examples/create-servers.ts as it is", () => {
    const readme = here("../README.md")
    const example = here("../examples/create-servers.ts")
    const shown = /```ts\n([\s\S]*?)```\n/.exec(readme)?.[1]
    expect(shown).toBeDefined()
    expect(shown).toBe(example.slice(example.indexOf("import ")))
  })
})
