import { describe, expect, it } from "@effect/vitest"
import { ClientSettings } from "@enamel/openstack-clients"
import { ConfigProvider, Duration, Effect, Layer } from "effect"
import { refreshMargin } from "../../src/identity/makeSession.js"

describe("ClientSettings", () => {
  it.effect("has defaults without any configuration", () =>
    Effect.gen(function* () {
      const settings = yield* ClientSettings.ClientSettings
      expect(Duration.toMillis(settings.pollInterval)).toBe(200)
      expect(Duration.toMillis(settings.tokenRefreshMargin)).toBe(120_000)
    })
  )

  it.effect("reads ENAMEL_OPENSTACK_* durations from configuration", () =>
    Effect.gen(function* () {
      const settings = yield* ClientSettings.ClientSettings
      expect(Duration.toMillis(settings.pollInterval)).toBe(50)
      expect(Duration.toMillis(settings.waitTimeout)).toBe(300_000)
      expect(Duration.toMillis(settings.requestTimeout)).toBe(60_000)
    }).pipe(
      Effect.provide(
        ClientSettings.layerFromConfig.pipe(
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(
                new Map([
                  ["ENAMEL_OPENSTACK_POLL_INTERVAL", "50 millis"],
                  ["ENAMEL_OPENSTACK_WAIT_TIMEOUT", "5 minutes"]
                ])
              )
            )
          )
        )
      )
    )
  )

  it("never refreshes earlier than a quarter of a token's lifetime", () => {
    expect(refreshMargin(Duration.minutes(2), 3_600_000)).toBe(120_000)
    expect(refreshMargin(Duration.minutes(2), 60_000)).toBe(15_000)
    expect(refreshMargin(Duration.minutes(2), -5)).toBe(0)
  })
})
