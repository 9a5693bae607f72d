/**
 * The Python sides of the comparisons run on Debian's own packages with /usr/bin/python3 (not a
 * virtualenv): python3-openstacksdk and python3-heatclient come with the dev cloud; python3-taskflow with
 * its SQLAlchemy persistence on PostgreSQL needs python3-psycopg2, python3-alembic and
 * python3-sqlalchemy-utils, installed here with apt-get when missing.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { CLOUDS_YAML } from "./cloud.js"

const PYTHON = "/usr/bin/python3"

const PACKAGES: Readonly<Record<string, string>> = {
  openstack: "python3-openstacksdk",
  taskflow: "python3-taskflow",
  psycopg2: "python3-psycopg2",
  alembic: "python3-alembic",
  sqlalchemy_utils: "python3-sqlalchemy-utils"
}

const importable = (module: string) => spawnSync(PYTHON, ["-c", `import ${module}`]).status === 0

/** Makes sure the modules import, installing their Debian packages if needed; fails with what to do. */
export const ensurePythonModules = (modules: ReadonlyArray<keyof typeof PACKAGES & string>) => {
  const missing = modules.filter((m) => !importable(m))
  if (missing.length === 0) return
  const packages = missing.map((m) => PACKAGES[m] ?? m)
  console.error(`installing ${packages.join(" ")} (Debian packages for the Python comparisons)`)
  const apt = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...packages], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  })
  const still = missing.filter((m) => !importable(m))
  if (apt.status !== 0 || still.length > 0) {
    throw new Error(
      `pnpm bench needs Debian's ${packages.join(", ")} for ${PYTHON}; install them as root: apt-get install ${packages.join(" ")}`
    )
  }
}

/** Runs a script under bench/python and parses the JSON line it prints last. */
export const runPython = <A>(script: string, args: ReadonlyArray<string>): A => {
  const out = execFileSync(PYTHON, [`bench/python/${script}`, ...args], {
    encoding: "utf8",
    env: { ...process.env, OS_CLIENT_CONFIG_FILE: CLOUDS_YAML },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024
  })
  const last = out.trim().split("\n").at(-1) ?? ""
  return JSON.parse(last) as A
}
