/**
 * A second image for the rebuild tests (the clients have no image upload: Enamel never makes images), and
 * the image a volume was last written from, as Cinder records it (`volume_image_metadata`), read as alice
 * with plain HTTP calls on her session's token (`call`, which tests also use for what the clients do not read).
 */
import { Session } from "@enamel/openstack-clients"
import { Effect, Redacted } from "effect"

/** A plain HTTP call to one of the session's services, with its token. */
export const call = (service: string, path: string, init: RequestInit = {}) =>
  Effect.gen(function* () {
    const session = yield* Session
    const auth = yield* session.authentication
    const root = (yield* session.endpoint(service)).replace(/\/$/, "")
    return yield* Effect.promise(() =>
      fetch(`${root}${path}`, {
        ...init,
        headers: { "X-Auth-Token": Redacted.value(auth.token), ...(init.headers ?? {}) }
      })
    )
  })

/** The JSON of a 2xx answer; any other dies, naming the status and URL. */
export const json = (response: Response) =>
  response.ok
    ? Effect.promise(() => response.json() as Promise<Record<string, unknown>>)
    : Effect.dieMessage(`${response.status} from ${response.url}`)

/** A private raw image of 1 MiB of zeros named `name`, active; deleted when the test's scope closes. */
export const anImage = (name: string) =>
  Effect.gen(function* () {
    const made = yield* Effect.flatMap(
      call("image", "/v2/images", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name, disk_format: "raw", container_format: "bare", visibility: "private" })
      }),
      json
    )
    const id = String(made.id)
    yield* Effect.addFinalizer(() => Effect.ignore(call("image", `/v2/images/${id}`, { method: "DELETE" })))
    const uploaded = yield* call("image", `/v2/images/${id}/file`, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream" },
      body: new Uint8Array(1024 * 1024)
    })
    if (!uploaded.ok) return yield* Effect.dieMessage(`image upload answered ${uploaded.status}`)
    return id
  })

/** The id of the image the volume's contents came from, as Cinder records it. */
export const volumeImageId = (volumeId: string) =>
  Effect.gen(function* () {
    const body = yield* Effect.flatMap(call("volumev3", `/volumes/${volumeId}`), json)
    const volume = body.volume as { volume_image_metadata?: { image_id?: string } }
    return volume.volume_image_metadata?.image_id
  })
