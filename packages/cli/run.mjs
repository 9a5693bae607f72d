// Runs the `enamel` command from the checkout (`corepack pnpm enamel …`). Loading the TypeScript sources
// through tsx costs seconds of compiling on every call, so the command is bundled once with esbuild into
// .enamel/cli/ (ignored by git) and bundled again whenever a workspace source is newer than the bundle.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as esbuild from "esbuild"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const outdir = path.join(root, ".enamel", "cli")
const entry = path.join(outdir, "main.js")

/** The newest modification time of the workspace's sources (and of the lockfile). */
const newestSource = () => {
  let newest = fs.statSync(path.join(root, "pnpm-lock.yaml")).mtimeMs
  const walk = (dir) => {
    for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
      if (item.name === "node_modules" || item.name === "test") continue
      const full = path.join(dir, item.name)
      if (item.isDirectory()) walk(full)
      else newest = Math.max(newest, fs.statSync(full).mtimeMs)
    }
  }
  for (const pkg of fs.readdirSync(path.join(root, "packages"))) {
    const src = path.join(root, "packages", pkg, "src")
    if (fs.existsSync(src)) walk(src)
  }
  return newest
}

const stale = () => !fs.existsSync(entry) || fs.statSync(entry).mtimeMs < newestSource()

if (stale()) {
  // Each build replaces the whole folder: a command running meanwhile sees one build or the other.
  const building = `${outdir}.${process.pid}`
  await esbuild.build({
    entryPoints: { main: path.join(root, "packages/cli/src/main.ts") },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    splitting: true,
    outdir: building,
    logLevel: "error",
    // Dependencies written as CommonJS (pg, amqplib) call require(); an ES module has none of its own.
    banner: {
      js: 'import { createRequire as enamelRequire } from "node:module"; const require = enamelRequire(import.meta.url);'
    },
    plugins: [
      {
        // PGlite finds its WebAssembly files next to its own module: it is imported from where pnpm
        // installed it (as a file URL: .enamel/cli/ has no node_modules to find it in).
        name: "pglite-stays-installed",
        setup(build) {
          build.onResolve({ filter: /^@electric-sql\/pglite/ }, async (args) => {
            if (args.pluginData === "resolving") return undefined
            const found = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              pluginData: "resolving"
            })
            if (found.errors.length > 0) return { errors: found.errors }
            return { path: pathToFileURL(found.path).href, external: true }
          })
        }
      }
    ]
  })
  fs.rmSync(outdir, { recursive: true, force: true })
  try {
    fs.renameSync(building, outdir)
  } catch {
    // Another command put its build there in between: the same sources, so that one serves.
    fs.rmSync(building, { recursive: true, force: true })
  }
}

await import(pathToFileURL(entry).href)
