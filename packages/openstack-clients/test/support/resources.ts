/**
 * Cloud resources that live as long as a test's scope: each is removed when the scope closes, even when
 * the test failed half-way. A release that finds the resource already gone is content.
 */
import { generateKeyPairSync } from "node:crypto"
import {
  Barbican,
  Cinder,
  type FloatingIpCreate,
  Neutron,
  Nova,
  type OpenStackError,
  type PortCreate,
  type ServerCreate,
  type VolumeCreate
} from "@enamel/openstack-clients"
import { Duration, Effect } from "effect"

const cleanupTimeout = { timeout: Duration.seconds(90) }

const quietly = <R>(what: string, effect: Effect.Effect<void, OpenStackError, R>) =>
  effect.pipe(
    Effect.catchTag("OpenStackNotFound", () => Effect.void),
    Effect.catchAll((error) => Effect.logWarning(`test cleanup: ${what}: ${error.message}`))
  )

export const scopedVolume = (spec: VolumeCreate) =>
  Effect.acquireRelease(Cinder.createVolume(spec), (volume) =>
    quietly(
      `volume ${volume.id}`,
      Effect.gen(function* () {
        // A volume that was attached becomes available once Nova has detached it.
        yield* Cinder.waitForVolumeAvailable(volume.id, cleanupTimeout).pipe(
          Effect.catchTag("OpenStackResourceFailed", () => Effect.void)
        )
        yield* Cinder.deleteVolume(volume.id)
        yield* Cinder.waitForVolumeDeleted(volume.id, cleanupTimeout)
      })
    )
  )

export const scopedPort = (spec: PortCreate) =>
  Effect.acquireRelease(Neutron.createPort(spec), (port) =>
    quietly(`port ${port.id}`, Neutron.deletePort(port.id))
  )

export const scopedFloatingIp = (spec: FloatingIpCreate) =>
  Effect.acquireRelease(Neutron.createFloatingIp(spec), (ip) =>
    quietly(`floating ip ${ip.id}`, Neutron.deleteFloatingIp(ip.id))
  )

export const scopedServer = (spec: ServerCreate) =>
  Effect.acquireRelease(Nova.createServer(spec), (server) =>
    quietly(
      `server ${server.id}`,
      Effect.zipRight(Nova.deleteServer(server.id), Nova.waitForServerDeleted(server.id, cleanupTimeout))
    )
  )

export const scopedKeypair = (name: string) =>
  Effect.acquireRelease(Nova.importKeypair({ name, publicKey: newSshPublicKey(name) }), (keypair) =>
    quietly(`keypair ${keypair.name}`, Nova.deleteKeypair(keypair.name))
  )

export const scopedSecret = (spec: Parameters<typeof Barbican.storeSecret>[0]) =>
  Effect.acquireRelease(Barbican.storeSecret(spec), (ref) =>
    quietly(`secret ${ref}`, Barbican.deleteSecret(ref))
  )

const sshString = (bytes: Uint8Array): Buffer => {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(bytes.length)
  return Buffer.concat([length, Buffer.from(bytes)])
}

/** A fresh `ssh-ed25519` public key in OpenSSH format (the private half is thrown away). */
export const newSshPublicKey = (comment: string): string => {
  const jwk = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" })
  const raw = Buffer.from(jwk.x ?? "", "base64url")
  const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(raw)])
  return `ssh-ed25519 ${blob.toString("base64")} ${comment}`
}
