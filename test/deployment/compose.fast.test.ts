/**
 * docker-compose.yml, checked by structure (no Docker engine runs here): the services a deployment needs,
 * Dockerfiles that exist and start real scripts, and only settings the code really reads. Also: every
 * setting the code reads is documented in README §Settings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parse } from "yaml"

interface Service {
  readonly build?: { readonly context: string; readonly dockerfile: string }
  readonly environment?: Record<string, string>
  readonly depends_on?: Record<string, unknown>
}

const compose = parse(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as {
  readonly services: Record<string, Service>
}

const sources = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : []
  })

/** Every variable name the code reads through Config. */
const readByCode = new Set(
  readdirSync("packages").flatMap((pkg) =>
    existsSync(join("packages", pkg, "src"))
      ? sources(join("packages", pkg, "src")).flatMap((file) =>
          [
            ...readFileSync(file, "utf8").matchAll(/Config\.\w+(?:\([^)]*\))?\("((?:ENAMEL|OS)_[A-Z_]+)"\)/g)
          ].map((m) => m[1] ?? "")
        )
      : []
  )
)

const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> })
  .scripts

describe("docker-compose.yml", () => {
  it("has PostgreSQL, RabbitMQ, the API and the worker, which wait for both", () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      "enamel-api",
      "enamel-worker",
      "postgres",
      "rabbitmq"
    ])
    for (const name of ["enamel-api", "enamel-worker"]) {
      expect(Object.keys(compose.services[name]?.depends_on ?? {}).sort()).toEqual(["postgres", "rabbitmq"])
    }
  })

  it("builds each Enamel service from a Dockerfile that runs one of the package scripts", () => {
    for (const [name, script] of [
      ["enamel-api", "api"],
      ["enamel-worker", "worker"]
    ] as const) {
      const build = compose.services[name]?.build
      expect(build).toBeDefined()
      const dockerfile = readFileSync(join(build?.context ?? "", build?.dockerfile ?? ""), "utf8")
      expect(dockerfile).toContain(`"pnpm", "--silent", "${script}"`)
      expect(scripts[script]).toBeDefined()
      expect(existsSync((scripts[script] ?? "").replace(/^tsx /, ""))).toBe(true)
    }
  })

  it("sets only variables the code reads, under the same names", () => {
    expect(readByCode.size).toBeGreaterThan(20)
    for (const name of ["enamel-api", "enamel-worker"]) {
      const environment = Object.keys(compose.services[name]?.environment ?? {})
      expect(environment.length).toBeGreaterThan(5)
      for (const variable of environment)
        expect([variable, readByCode.has(variable)]).toEqual([variable, true])
    }
  })

  it("every setting the code reads is documented in README §Settings", () => {
    const readme = readFileSync("README.md", "utf8")
    const settings = readme.slice(readme.indexOf("## Settings"))
    for (const variable of readByCode) {
      const documented =
        settings.includes(variable) || settings.includes(variable.replace(/^ENAMEL_OPENSTACK_/, "_"))
      expect([variable, documented]).toEqual([variable, true])
    }
  })
})
