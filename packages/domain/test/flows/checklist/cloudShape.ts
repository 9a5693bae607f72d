/**
 * What alice's project holds, by name instead of id and with task ids left out, so that the clouds of two
 * runs (a clean one, and one that crashed and resumed) compare line by line: a duplicate shows as an
 * extra line, something missing as a missing one.
 */
import { emptyProject, type ProjectSnapshot } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import type { World } from "./harness.js"

export interface CloudShape {
  readonly servers: ReadonlyArray<string>
  readonly volumes: ReadonlyArray<string>
  readonly ports: ReadonlyArray<string>
  readonly floatingIps: ReadonlyArray<string>
  readonly keypairs: ReadonlyArray<string>
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

export const shapeOf = (project: ProjectSnapshot): CloudShape => {
  const serverName = (id: string) =>
    project.servers.find((s) => s.id === id)?.name ?? (id === "" ? "-" : "gone")
  const portName = (id: string | null) => project.ports.find((p) => p.id === id)?.name ?? "-"
  const volumeName = (id: string) => project.volumes.find((v) => v.id === id)?.name ?? "gone"
  const marks = (values: ReadonlyArray<string>) => values.map((v) => v.replace(uuid, "<task>")).join(",")
  const pairs = (record: Readonly<Record<string, string>>) =>
    marks(Object.entries(record).map(([k, v]) => `${k}=${v}`))
  const sorted = (lines: ReadonlyArray<string>) => [...lines].sort()
  return {
    servers: sorted(
      project.servers.map(
        (s) =>
          `${s.name} ${s.status} ports=${s.portIds.map(portName).join(",")} volumes=${s.volumeIds.map(volumeName).join(",")} ` +
          `key=${s.keyName ?? "-"} tags=${marks(s.tags)} metadata=${pairs(s.metadata)}`
      )
    ),
    volumes: sorted(
      project.volumes.map(
        (v) =>
          `${v.name ?? "-"} ${v.status} attached=${v.attachedTo.map(serverName).join(",")} metadata=${pairs(v.metadata)}`
      )
    ),
    ports: sorted(
      project.ports.map(
        (p) =>
          `${p.name} ${p.network} ${p.status} on=${serverName(p.deviceId)} ips=${p.fixedIps.length} tags=${marks(p.tags)}`
      )
    ),
    floatingIps: sorted(
      project.floatingIps.map(
        (f) => `on=${portName(f.portId)} tags=${marks(f.tags)} description=${marks([f.description])}`
      )
    ),
    keypairs: sorted(project.keypairs.map((k) => `${k.name} (${k.user})`))
  }
}

/** Alice's project (alpha) as a shape. */
export const aliceShape = (world: World) =>
  Effect.map(world.cloud.snapshot, (snapshot) => shapeOf(snapshot.alpha ?? emptyProject))

/** Nothing of alice's but her keypairs. */
export const onlyKeypairs = (keypairs: ReadonlyArray<string>): CloudShape => ({
  servers: [],
  volumes: [],
  ports: [],
  floatingIps: [],
  keypairs
})
