import { Config, Context, Duration, Layer } from "effect"

export interface ClientSettingsShape {
  /** How often waiters poll a resource (server ACTIVE, volume available, deleted). */
  readonly pollInterval: Duration.Duration
  /** How long a waiter waits before it fails with OpenStackTimeout. */
  readonly waitTimeout: Duration.Duration
  /** How long one HTTP call may take before it fails with OpenStackTimeout. */
  readonly requestTimeout: Duration.Duration
  /** A session re-authenticates when its token has less than this left (at most a quarter of its lifetime). */
  readonly tokenRefreshMargin: Duration.Duration
}

export const defaultClientSettings: ClientSettingsShape = {
  pollInterval: Duration.millis(200),
  waitTimeout: Duration.minutes(10),
  requestTimeout: Duration.seconds(60),
  tokenRefreshMargin: Duration.minutes(2)
}

/** Timing knobs of the clients; the defaults apply when nothing is provided. */
export class ClientSettings extends Context.Reference<ClientSettings>()(
  "@enamel/openstack-clients/ClientSettings",
  { defaultValue: () => defaultClientSettings }
) {}

/**
 * Reads the settings from configuration (durations such as `200 millis`, `10 minutes`):
 * ENAMEL_OPENSTACK_POLL_INTERVAL, ENAMEL_OPENSTACK_WAIT_TIMEOUT, ENAMEL_OPENSTACK_REQUEST_TIMEOUT,
 * ENAMEL_OPENSTACK_TOKEN_REFRESH_MARGIN.
 */
export const fromConfig: Config.Config<ClientSettingsShape> = Config.all({
  pollInterval: Config.withDefault(
    Config.duration("ENAMEL_OPENSTACK_POLL_INTERVAL"),
    defaultClientSettings.pollInterval
  ),
  waitTimeout: Config.withDefault(
    Config.duration("ENAMEL_OPENSTACK_WAIT_TIMEOUT"),
    defaultClientSettings.waitTimeout
  ),
  requestTimeout: Config.withDefault(
    Config.duration("ENAMEL_OPENSTACK_REQUEST_TIMEOUT"),
    defaultClientSettings.requestTimeout
  ),
  tokenRefreshMargin: Config.withDefault(
    Config.duration("ENAMEL_OPENSTACK_TOKEN_REFRESH_MARGIN"),
    defaultClientSettings.tokenRefreshMargin
  )
})

export const layerFromConfig = Layer.effect(ClientSettings, fromConfig)

/** Settings with some values replaced, e.g. `layer({ pollInterval: Duration.millis(50) })`. */
export const layer = (overrides: Partial<ClientSettingsShape>) =>
  Layer.succeed(ClientSettings, { ...defaultClientSettings, ...overrides })
