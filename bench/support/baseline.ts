/**
 * BENCH_BASELINE=<git revision>: the parts that compare builds (accepting, engine, scale, end to end)
 * also run that revision's code beside the current one, in the same run, so that a change's before and
 * after meet the same machine at the same moment. The revision is checked out once as a detached git
 * worktree outside the repository (its own node_modules, from the lockfile, offline) and reused.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface Baseline {
  /** The revision as given (e.g. a commit or `main~3`). */
  readonly revision: string
  /** Its commit, abbreviated: what the report names. */
  readonly commit: string
  /** Where it is checked out: entry points are bundled from here. */
  readonly root: string
}

const git = (...args: ReadonlyArray<string>) =>
  execFileSync("git", [...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim()

/** The baseline of this run, checked out and installed; undefined without BENCH_BASELINE. */
export const baseline = (): Baseline | undefined => {
  const revision = process.env.BENCH_BASELINE
  if (revision === undefined || revision === "") return undefined
  const commit = git("rev-parse", "--short=12", `${revision}^{commit}`)
  const root = join(tmpdir(), `enamel-bench-baseline-${commit}`)
  if (!existsSync(join(root, "package.json"))) {
    git("worktree", "prune")
    git("worktree", "add", "--detach", "--force", root, commit)
  }
  console.error(`  baseline ${revision} (${commit}) in ${root}`)
  execFileSync("corepack", ["pnpm", "install", "--frozen-lockfile", "--offline", "--silent"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"]
  })
  return { revision, commit, root }
}
