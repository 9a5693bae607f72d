/**
 * The engine embeds with Effect alone (a library user runs flows with no server and no cloud): nothing
 * under `src/engine/` imports OpenStack's clients, the HTTP platform, another Enamel package, or the
 * contract and the flows built on it. The error catalogue, plain data, is the one module outside it that
 * the engine uses.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src")
const engine = join(src, "engine")

const filesUnder = (folder: string): ReadonlyArray<string> =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(folder, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(folder, entry.name)]
        : []
  )

const importsOf = (file: string): ReadonlyArray<string> =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^"']*?from\s+["']([^"']+)["']/gm)].flatMap(
    (match) => (match[1] === undefined ? [] : [match[1]])
  )

/** Where an import may lead from the engine. */
const allowed = (file: string, specifier: string): boolean => {
  if (!specifier.startsWith(".")) return specifier === "effect"
  const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts")
  return !relative(engine, target).startsWith("..") || target === join(src, "ErrorCatalogue.ts")
}

describe("the engine's dependencies", () => {
  const files = filesUnder(engine)

  it("has modules to check", () => {
    expect(files.length).toBeGreaterThan(10)
  })

  it("imports only Effect, its own modules and the error catalogue", () => {
    const outside = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => !allowed(file, specifier))
        .map((specifier) => `${relative(src, file)} imports ${specifier}`)
    )
    expect(outside).toEqual([])
  })
})
