/**
 * Running the flows against the real dev cloud as alice (project alpha): the live clients, in-memory
 * checkpoints, a fault-injecting transport, what a task left behind, and clean-up of everything a test's
 * tasks made (registered as a finalizer, so it runs when a test fails too).
 */
import { generateKeyPairSync } from "node:crypto"
import {
  Cinder,
  type HttpTransport,
  Neutron,
  Nova,
  OpenStackClients,
  HttpTransport as Transport
} from "@enamel/openstack-clients"
import { HttpTransportStub } from "@enamel/openstack-clients/testing"
import { Array as Arr, Duration, Effect, Layer, Ref, Schema } from "effect"
import { cloudLayer, sessionLayer, testSettings } from "../../../../openstack-clients/test/support/cloud.js"
import * as CheckpointsMemory from "../../../src/engine/flow/CheckpointsMemory.js"
import { backupServerKey, taskKey, taskTag, tokenOfTags } from "../../../src/flows/cloud/marks.js"
import {
  removeFloatingIp,
  removePort,
  removeServer,
  removeSnapshot,
  removeVolume
} from "../../../src/flows/cloud/remove.js"
import { CreateServersRequest } from "../../../src/flows/server-create/request.js"

export { uniqueName } from "../../../../openstack-clients/test/support/cloud.js"

/** Alice's session and the live clients, with memory checkpoints (shared by a file's tests; one task id each). */
export const aliceCloud = Layer.merge(cloudLayer("alice"), CheckpointsMemory.layer)

export const timeout = Duration.minutes(4)

/** The request in its wire form, decoded as the worker decodes a task's params. */
export const createRequest = (wire: Record<string, unknown>) =>
  Schema.decodeUnknownSync(CreateServersRequest)(wire)

/** `name` with a 1 GiB boot volume from `tiny`, a port on `private` and a floating IP from `public`. */
export const fullServer = (name: string, extra: Record<string, unknown> = {}) =>
  createRequest({
    name,
    image: "tiny",
    flavor: "m1.tiny",
    boot_volume: { size_gb: 1 },
    networks: [{ network: "private", security_groups: ["default"], floating_ip: { network: "public" } }],
    ...extra
  })

/** An OpenSSH ed25519 public key (the last 32 bytes of the SPKI form are the raw key). */
export const sshPublicKey = (): string => {
  const spki = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" })
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(bytes.length)
    return Buffer.concat([length, bytes])
  }
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(spki.subarray(spki.length - 32))])
  return `ssh-ed25519 ${blob.toString("base64")} enamel-test`
}

/**
 * A call to break: `times` calls (1 by default) whose method and URL path match, after `after` of them;
 * with `armedBy`, only calls after one matching that has been made (a poll after the change it waits for).
 */
export interface Fault {
  readonly method: HttpTransport.HttpMethod
  readonly path: RegExp
  /**
   * `refuse`: answered with `status` without reaching the cloud (the stage fails, nothing was made);
   * `loseReply`: the call reaches the cloud, then its reply is replaced by `status` (it was made, the
   * stage does not know).
   */
  readonly mode: "refuse" | "loseReply"
  readonly status: number
  /** Neutron's `type` in the error body (e.g. `OverQuota`, `IpAddressGenerationFailure`); `Injected` by default. */
  readonly kind?: string
  readonly times?: number
  readonly after?: number
  readonly armedBy?: { readonly method: HttpTransport.HttpMethod; readonly path: RegExp }
}

const faultyTransport = (faults: ReadonlyArray<Fault>) =>
  Layer.effect(
    Transport.HttpTransport,
    Effect.gen(function* () {
      const real = yield* Effect.provide(Transport.HttpTransport, Transport.layerFetch)
      // How many matching calls each fault has seen so far, and whether its arming call was made.
      const seen = yield* Ref.make(faults.map(() => 0))
      const armed = faults.map((f) => f.armedBy === undefined)
      const pick = (call: HttpTransport.HttpCall) =>
        Ref.modify(seen, (counts) => {
          const path = new URL(call.url).pathname
          const matching = counts.map((n, i) => {
            const f = faults[i]
            return f !== undefined && armed[i] && f.method === call.method && f.path.test(path) ? n + 1 : n
          })
          faults.forEach((f, i) => {
            if (f.armedBy !== undefined && f.armedBy.method === call.method && f.armedBy.path.test(path)) {
              armed[i] = true
            }
          })
          const index = faults.findIndex((f, i) => {
            const n = matching[i] ?? 0
            const after = f.after ?? 0
            return n !== counts[i] && n > after && n <= after + (f.times ?? 1)
          })
          return [faults[index], matching]
        })
      return Transport.HttpTransport.make({
        send: (call) =>
          Effect.flatMap(pick(call), (fault) => {
            if (fault === undefined) return real.send(call)
            const reply = HttpTransportStub.json(fault.status, {
              NeutronError: {
                type: fault.kind ?? "Injected",
                message: `injected ${fault.status} on ${call.method} ${call.url}`
              }
            })
            return fault.mode === "refuse" ? Effect.succeed(reply) : Effect.as(real.send(call), reply)
          })
      })
    })
  )

/** Alice's session and clients over the given transport: provide it to one run. */
const aliceOver = (transport: Layer.Layer<Transport.HttpTransport>) =>
  Layer.provideMerge(sessionLayer("alice"), OpenStackClients.layerWithoutTransport).pipe(
    Layer.provideMerge(transport),
    Layer.provideMerge(testSettings)
  )

/** Alice's session and clients over a transport that breaks the given calls: provide it to one run. */
export const faultyCloud = (faults: ReadonlyArray<Fault>) => aliceOver(faultyTransport(faults))

/** Nova's version document (`{"version": {"id": "v2.1", "version": …}}`) with its newest microversion replaced. */
const withNovaMaximum = (body: string, maximum: string): string | undefined => {
  try {
    const document: unknown = JSON.parse(body)
    if (typeof document !== "object" || document === null || !("version" in document)) return undefined
    const version: unknown = document.version
    if (typeof version !== "object" || version === null || !("id" in version) || version.id !== "v2.1") {
      return undefined
    }
    return JSON.stringify({ ...document, version: { ...version, version: maximum } })
  } catch {
    return undefined
  }
}

/**
 * Alice's session and clients over a transport that shows Nova's version document as a cloud whose newest
 * compute microversion is `maximum` would (e.g. Yoga's 2.90, without the rebuild of a volume-backed
 * server); every call still reaches the dev cloud as it is, at the microversion negotiated from that.
 */
export const cloudWithNovaAt = (maximum: string) =>
  aliceOver(
    Layer.effect(
      Transport.HttpTransport,
      Effect.map(Effect.provide(Transport.HttpTransport, Transport.layerFetch), (real) =>
        Transport.HttpTransport.make({
          send: (call) =>
            Effect.map(real.send(call), (reply) => {
              if (call.method !== "GET" || !/\/v2\.1\/?$/.test(new URL(call.url).pathname)) return reply
              const body = withNovaMaximum(reply.body, maximum)
              return body === undefined ? reply : { ...reply, body }
            })
        })
      )
    )
  )

/** Everything carrying the task's marks, and servers, volumes and ports with the test's names. */
export const leftovers = (taskId: string, serverNames: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const tag = taskTag(taskId)
    const prefix = `enamel-${taskId}-`
    const [tagged, named, volumes, namedVolumes, ports, namedPorts, ips] = yield* Effect.all(
      [
        Nova.listServers({ tags: [tag] }),
        Effect.forEach(serverNames, (name) => Nova.listServers({ name })),
        Cinder.listVolumes({ metadata: { [taskKey]: taskId } }),
        Effect.forEach(serverNames, (name) => Cinder.listVolumes({ name: `${name}-boot` })),
        Neutron.listPorts({ tags: [tag] }),
        Effect.forEach(serverNames, (name) => Neutron.listPorts({ name: `${name}-port0` })),
        Neutron.listFloatingIps()
      ],
      { concurrency: "unbounded" }
    )
    const ids = <A extends { readonly id: string }>(items: ReadonlyArray<A>) =>
      Arr.dedupe(items.map((i) => i.id))
    return {
      servers: ids([...tagged, ...named.flat()]),
      volumes: ids([...volumes, ...namedVolumes.flat()]),
      ports: ids([...ports, ...namedPorts.flat()]),
      floating_ips: ids(
        ips.filter(
          (ip) => ip.description.startsWith(prefix) || tokenOfTags(ip.tags)?.startsWith(prefix) === true
        )
      )
    }
  })

export const nothingLeft = { servers: [], volumes: [], ports: [], floating_ips: [] }

/** Removes whatever the task left (servers first: that frees ports and volumes). */
export const cleanUp = (taskId: string, serverNames: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const left = yield* leftovers(taskId, serverNames)
    const all = { concurrency: "unbounded", discard: true } as const
    yield* Effect.forEach(left.floating_ips, removeFloatingIp, all)
    yield* Effect.forEach(left.servers, removeServer, all)
    yield* Effect.forEach(left.ports, removePort, all)
    yield* Effect.forEach(left.volumes, removeVolume, all)
  }).pipe(Effect.catchAllCause((cause) => Effect.logWarning(`test clean-up of task ${taskId} failed`, cause)))

/** A fresh task id whose leftovers are removed when the test's scope closes, pass or fail. */
export const newTask = (serverNames: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const taskId = crypto.randomUUID()
    yield* Effect.addFinalizer(() => cleanUp(taskId, serverNames))
    return taskId
  })

/** Removes the keypair when the test's scope closes. */
export const keypairCleanUp = (name: string) =>
  Effect.addFinalizer(() => Effect.ignore(Nova.deleteKeypair(name)))

/** Whether the keypair exists. */
export const keypairExists = (name: string) =>
  Nova.getKeypair(name).pipe(
    Effect.as(true),
    Effect.catchTag("OpenStackNotFound", () => Effect.succeed(false))
  )

/** The server's backup snapshots in Cinder, whatever their set. */
export const serverSnapshots = (serverId: string) =>
  Cinder.listSnapshots({ metadata: { [backupServerKey]: serverId } })

/**
 * Removes the server's backup snapshots when the test's scope closes; register it after the server's
 * task, so that it runs first: a volume with snapshots cannot be deleted.
 */
export const serverSnapshotsCleanUp = (serverId: string) =>
  Effect.addFinalizer(() =>
    Effect.flatMap(serverSnapshots(serverId), (left) =>
      Effect.forEach(left, (s) => removeSnapshot(s.id), { concurrency: "unbounded", discard: true })
    ).pipe(Effect.catchAllCause((cause) => Effect.logWarning("test clean-up of snapshots failed", cause)))
  )
