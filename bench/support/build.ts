/**
 * Compiles an entry point into one ESM file with esbuild, so a process under load runs plain
 * JavaScript: under tsx about 5% of the API's CPU went to compiling TypeScript on the fly.
 */
import { resolve } from "node:path"
import { build } from "esbuild"

/**
 * Bundles `entry` (e.g. packages/api/src/main.ts) to bench/results/build/<name>-<pid>.mjs (ignored by
 * git) and returns that path. Per process: two benchmarks run at once must not start each other's build.
 * `root` is the checkout the entry (and everything it imports) comes from: this one, or a baseline's
 * (bench/support/baseline.ts).
 */
export const bundle = async (entry: string, name: string, root = process.cwd()) => {
  const from = root === process.cwd() ? "" : "-baseline"
  const outfile = resolve(`bench/results/build/${name}${from}-${process.pid}.mjs`)
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: false,
    logLevel: "warning",
    // pg's optional native binding is not installed; CommonJS modules bundled into ESM need `require`.
    external: ["pg-native"],
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);"
    }
  })
  return outfile
}
