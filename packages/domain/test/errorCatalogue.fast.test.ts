/**
 * The error catalogue is the one home of the codes users and operators see. Here: no source file spells
 * a catalogued code (they refer to `ErrorCode.<name>`), no source file gives an error a code as a literal,
 * every code has its meaning and where it is seen, and `docs/error-codes.md` is exactly the catalogue.
 * `ENAMEL_WRITE_ERROR_CODES=1` makes this test write `docs/error-codes.md` from the catalogue.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { ErrorCode, meanings } from "@enamel/domain"
import ts from "typescript"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const catalogueFile = "packages/domain/src/ErrorCatalogue.ts"
const docFile = "docs/error-codes.md"
const regenerate = `ENAMEL_WRITE_ERROR_CODES=1 corepack pnpm exec vitest run --config vitest.fast.config.ts packages/domain/test/errorCatalogue.fast.test.ts`

const codes: ReadonlyArray<ErrorCode> = Object.values(ErrorCode)
const codeSet: ReadonlySet<string> = new Set(codes)

/** Every `.ts` file under `packages/*\/src`, relative to the repository. */
const sourceFiles = (): ReadonlyArray<string> => {
  const walk = (dir: string): ReadonlyArray<string> =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(path)
      return entry.name.endsWith(".ts") ? [path] : []
    })
  const packages = join(root, "packages")
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const src = join(packages, entry.name, "src")
      try {
        return walk(src)
      } catch {
        return []
      }
    })
    .map((path) => relative(root, path))
    .sort()
}

interface Finding {
  readonly where: string
  readonly text: string
}

const isLiteral = (node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral =>
  ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)

const isStringy = (node: ts.Node): boolean => isLiteral(node) || ts.isTemplateExpression(node)

const isNamedCode = (name: ts.Node): boolean =>
  (ts.isIdentifier(name) || ts.isStringLiteral(name)) && name.text === "code"

/** Catalogued codes spelled as strings, and codes given as literals (`code: "…"`, `code = "…"`). */
const scan = (file: string) => {
  const text = readFileSync(join(root, file), "utf8")
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const spelled: Array<Finding> = []
  const literalCodes: Array<Finding> = []
  const where = (node: ts.Node) =>
    `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`
  const visit = (node: ts.Node): void => {
    if (isLiteral(node) && codeSet.has(node.text)) spelled.push({ where: where(node), text: node.text })
    const literalCode =
      ((ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) &&
        isNamedCode(node.name) &&
        node.initializer !== undefined &&
        isStringy(node.initializer)) ||
      (ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        node.left.name.text === "code" &&
        isStringy(node.right))
    if (literalCode) literalCodes.push({ where: where(node), text: node.getText(source) })
    ts.forEachChild(node, visit)
  }
  visit(source)
  return { spelled, literalCodes }
}

const list = (findings: ReadonlyArray<Finding>) => findings.map((f) => `${f.where}: ${f.text}`)

const seenText = (code: ErrorCode) =>
  meanings[code].seen.map((seen) => ("answer" in seen ? String(seen.answer) : "task")).join(", ")

/** The list for humans, generated from the catalogue. */
const errorCodesDocument = (): string =>
  [
    "# Error codes",
    "",
    `<!-- Generated from ${catalogueFile}; do not edit. To regenerate: ${regenerate} -->`,
    "",
    "Every code Enamel's users and operators can see, with its meaning: in an API error document",
    '(`{"errors": [{"status", "code", "title", "detail", "request_id"}]}`, with its HTTP status) and in a',
    "task's `error` and its timeline entries (`task`). A code never changes meaning; new codes may be added.",
    "`/openapi.json` lists the codes each operation can answer with.",
    "",
    "| code | seen in | meaning |",
    "| --- | --- | --- |",
    ...codes.map(
      (code) => `| \`${code}\` | ${seenText(code)} | ${meanings[code].meaning.replaceAll("|", "\\|")} |`
    ),
    ""
  ].join("\n")

describe("the error catalogue", () => {
  const files = sourceFiles()
  const scanned = files.filter((file) => file !== catalogueFile).map(scan)

  it("finds the sources it checks", () => {
    expect(files).toContain(catalogueFile)
    expect(files.length).toBeGreaterThan(100)
  })

  it("is the only source that spells a catalogued code", () => {
    expect(
      list(scanned.flatMap((s) => s.spelled)),
      `catalogued codes spelled outside ${catalogueFile}; refer to ErrorCode.<name> from @enamel/domain`
    ).toEqual([])
  })

  it("leaves no source giving an error a code as a literal", () => {
    expect(
      list(scanned.flatMap((s) => s.literalCodes)),
      `codes given as literals; add the code with its meaning to ${catalogueFile} and use ErrorCode.<name>`
    ).toEqual([])
  })

  it("has each code once, each with its meaning and where it is seen", () => {
    expect(new Set(codes).size).toBe(codes.length)
    expect(Object.keys(meanings).sort()).toEqual([...codes].sort())
    for (const code of codes) {
      expect(code, "a code is lower case, words joined by . and _").toMatch(/^[a-z]+([._][a-z]+)*$/)
      const { meaning, seen } = meanings[code]
      expect(meaning.trim().length, `${code} has no meaning`).toBeGreaterThan(0)
      expect(seen.length, `${code} says nowhere it is seen`).toBeGreaterThan(0)
      for (const place of seen) {
        if ("answer" in place) expect(place.answer, `${code}: an error status`).toBeGreaterThanOrEqual(400)
      }
    }
  })

  it(`is listed for humans in ${docFile}, exactly`, () => {
    const expected = errorCodesDocument()
    const path = join(root, docFile)
    if (process.env.ENAMEL_WRITE_ERROR_CODES === "1") writeFileSync(path, expected)
    let committed = ""
    try {
      committed = readFileSync(path, "utf8")
    } catch {
      // Missing: compared as empty, so the message below says how to make it.
    }
    expect(committed, `${docFile} does not match the catalogue; regenerate it: ${regenerate}`).toBe(expected)
  })

  it("is linked from the README", () => {
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain(`(${docFile})`)
  })
})
