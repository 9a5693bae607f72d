import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { CloudsYaml, ServiceSession } from "@enamel/openstack-clients"
import { Config, ConfigProvider, Effect, Redacted } from "effect"

const dir = mkdtempSync(join(tmpdir(), "enamel-clouds-"))
const file = join(dir, "clouds.yaml")
writeFileSync(
  file,
  `# two clouds, as openstacksdk writes them
clouds:
  prod:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: "enamel"
      password: 's3cr#t: yes'
      project_name: service
      user_domain_name: Default
    region_name: RegionTwo
    interface: internal
  broken:
    auth:
      username: nobody
  leaky:
    auth:
      auth_url: https://keystone.example:5000/v3
      password: 918273645
`
)

const withEnv = (entries: ReadonlyArray<readonly [string, string]>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(entries)))

describe("clouds.yaml (OS_CLOUD)", () => {
  it.effect("reads the named cloud as the OS_* variables it stands for", () =>
    Effect.gen(function* () {
      const os = yield* CloudsYaml.readCloud("prod", [join(dir, "absent.yaml"), file])
      expect(Object.fromEntries(os)).toEqual({
        OS_AUTH_URL: "https://keystone.example:5000/v3",
        OS_USERNAME: "enamel",
        OS_PASSWORD: "s3cr#t: yes",
        OS_PROJECT_NAME: "service",
        OS_USER_DOMAIN_NAME: "Default",
        OS_REGION_NAME: "RegionTwo",
        OS_INTERFACE: "internal"
      })
    })
  )

  it.effect("names the cloud and every file searched when none has it; names what is missing", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(CloudsYaml.readCloud("staging", [file]))
      expect(missing.message).toBe(`OS_CLOUD=staging: no such cloud in ${file}`)
      const broken = yield* Effect.flip(CloudsYaml.readCloud("broken", [file]))
      expect(broken.message).toMatch(/cloud broken is not usable: .*auth_url/s)
      // A field of the wrong type is named, its value (here a password) never shown.
      const leaky = yield* Effect.flip(CloudsYaml.readCloud("leaky", [file]))
      expect(leaky.message).toMatch(/cloud leaky is not usable: .*auth\.password/)
      expect(leaky.message).not.toContain("918273645")
    })
  )

  it.effect("fills the service user's settings beneath the OS_* variables that are set", () =>
    Effect.gen(function* () {
      const c = yield* CloudsYaml.withOsCloud(ServiceSession.ServiceCredentials).pipe(
        withEnv([
          ["OS_CLOUD", "prod"],
          ["OS_CLIENT_CONFIG_FILE", file],
          ["OS_USERNAME", "override"]
        ])
      )
      expect(c.authUrl).toBe("https://keystone.example:5000/v3")
      expect(c.username).toBe("override")
      expect(Redacted.value(c.password)).toBe("s3cr#t: yes")
      expect(c.interface).toBe("internal")
      expect(c.projectDomain).toBe("Default")
    })
  )

  it.effect("without OS_CLOUD, the OS_* variables alone", () =>
    Effect.gen(function* () {
      const url = yield* CloudsYaml.withOsCloud(Config.string("OS_AUTH_URL")).pipe(
        withEnv([["OS_AUTH_URL", "http://keystone:5000/v3"]])
      )
      expect(url).toBe("http://keystone:5000/v3")
    })
  )
})
