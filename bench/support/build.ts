/**
 * Compiles an entry point into one ESM file with esbuild, so a process under load runs plain
 * JavaScript: under tsx about 5% of the API's CPU went to compiling TypeScript on the fly. esbuild is
 * reached through tsx (which depends on it); it is not a direct dependency of the workspace.
 */
import { createRequire } from "node:module"

interface EsBuild {
  readonly build: (options: Record<string, unknown>) => Promise<unknown>
}

const isEsBuild = (value: unknown): value is EsBuild =>
  typeof value === "object" && value !== null && "build" in value && typeof value.build === "function"

const loadEsBuild = (): EsBuild => {
  const fromTsx = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"))
  const esbuild: unknown = fromTsx("esbuild")
  if (!isEsBuild(esbuild)) throw new Error("esbuild (a dependency of tsx) could not be loaded")
  return esbuild
}

/** Bundles `entry` (e.g. packages/api/src/main.ts) to bench/results/build/<name>.mjs (ignored by git) and returns that path. */
export const bundle = async (entry: string, name: string) => {
  const outfile = `bench/results/build/${name}.mjs`
  await loadEsBuild().build({
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
