/**
 * A flow version is frozen once tasks of it may exist: a task is resumed by the version it was accepted
 * with, from checkpoints keyed by stage path and decoded with the stage's result schema. Each registered
 * version's shape (stage paths, result schemas, params and result) is committed in `flow-shapes/`; a
 * change to a version without a new version number fails here. A new version's shape is written with
 * `ENAMEL_WRITE_FLOW_SHAPES=1` (missing files only: an existing shape is never rewritten).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import type { FlowShape } from "@enamel/domain"
import { registry } from "@enamel/domain/flows"

const folder = new URL("./flow-shapes/", import.meta.url)
const fileOf = (shape: FlowShape) => new URL(`${shape.type}.v${shape.version}.json`, folder)
const write = process.env.ENAMEL_WRITE_FLOW_SHAPES === "1"

describe("flow shapes", () => {
  for (const command of registry.commands) {
    describe(command.type, () => {
      it("lists its versions newest first, each of its own type, each once", () => {
        const versions = command.versions.map((flow) => flow.version)
        expect(command.versions.every((flow) => flow.type === command.type)).toBe(true)
        expect([...versions].sort((a, b) => b - a)).toEqual(versions)
        expect(new Set(versions).size).toBe(versions.length)
        expect(command.latest).toBe(command.versions[0])
      })

      for (const flow of command.versions) {
        it(`version ${flow.version} declares its checklist and keeps its committed shape`, () => {
          const shape = flow.shape
          expect(shape, `${command.type} v${flow.version} must declare its stages`).toBeDefined()
          if (shape === undefined) return
          const file = fileOf(shape)
          if (!existsSync(file)) {
            if (write) writeFileSync(file, `${JSON.stringify(shape, null, 2)}\n`)
            expect.fail(
              write
                ? `wrote ${file.pathname}: commit it`
                : `no committed shape for ${command.type} v${flow.version}: run ENAMEL_WRITE_FLOW_SHAPES=1 corepack pnpm test:fast`
            )
          }
          const committed: unknown = JSON.parse(readFileSync(file, "utf8"))
          expect(
            shape,
            `${command.type} v${flow.version} changed shape. Tasks of v${flow.version} may be running: ` +
              "keep this version as it was and add the change as a new version (packages/domain/README.md)"
          ).toEqual(committed)
        })
      }
    })
  }
})
