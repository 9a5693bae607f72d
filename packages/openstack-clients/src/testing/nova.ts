/**
 * Nova in the double: the version document, servers (`novaServers.ts`) and their actions
 * (`novaServerActions.ts`: resize, confirm, revert, stop, start), their volume attachments
 * (`novaVolumeAttachments.ts`) and interfaces (`novaInterfaces.ts`), flavors, keypairs
 * and the project's limits (`quotas.ts`).
 * Microversions 2.1–2.93, as Zed's.
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import {
  type Answer,
  type Ctx,
  field,
  isoMicros,
  links,
  noContent,
  ok,
  overQuotaAnswer,
  paginate,
  Refusal,
  refuse,
  stringField
} from "./http.js"
import { routeInterfaces } from "./novaInterfaces.js"
import { routeServerAction } from "./novaRebuild.js"
import { serverAction } from "./novaServerActions.js"
import {
  badRequest,
  createServer,
  deleteServer,
  listServers,
  microversionOf,
  ownServer,
  root,
  selfLinks,
  serverView
} from "./novaServers.js"
import { routeVolumeAttachments } from "./novaVolumeAttachments.js"
import { computeLimits } from "./quotas.js"
import type { CloudState, Keypair } from "./state.js"

export { zedMicroversion } from "./novaServers.js"

export const versionDocument = (state: CloudState) => ({
  version: {
    id: "v2.1",
    status: "CURRENT",
    version: `2.${state.computeMaxMicroversion}`,
    min_version: "2.1",
    updated: "2013-07-23T11:33:21Z",
    links: [
      { rel: "self", href: `${root}/` },
      { rel: "describedby", type: "text/html", href: "http://docs.openstack.org/" }
    ],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.compute+json;version=2.1" }]
  }
})

const flavorView = (flavor: {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly ram: number
  readonly disk: number
}) => ({
  id: flavor.id,
  name: flavor.name,
  ram: flavor.ram,
  disk: flavor.disk,
  swap: 0,
  "OS-FLV-EXT-DATA:ephemeral": 0,
  "OS-FLV-DISABLED:disabled": false,
  vcpus: flavor.vcpus,
  "os-flavor-access:is_public": true,
  rxtx_factor: 1.0,
  links: selfLinks("flavors", flavor.id),
  description: null,
  extra_specs: {}
})

const keypairView = (keypair: Keypair, full: boolean) => ({
  keypair: {
    type: keypair.type,
    name: keypair.name,
    public_key: keypair.publicKey,
    fingerprint: keypair.fingerprint,
    user_id: keypair.userId,
    ...(full
      ? {
          created_at: isoMicros(keypair.createdAt),
          deleted: false,
          deleted_at: null,
          updated_at: null,
          id: 1
        }
      : {})
  }
})

const sshKey = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)) ([A-Za-z0-9+/=]+)( .*)?$/

const importKeypair = (ctx: Ctx) =>
  Effect.gen(function* () {
    const { state, caller, now } = ctx
    const body = field(ctx.call.json, "keypair")
    const name = stringField(body, "name") ?? ""
    if (!/^[a-zA-Z0-9 _.@-]{1,255}$/.test(name)) {
      return yield* badRequest("Keypair data is invalid: Keypair name contains unsafe characters")
    }
    const key = sshKey.exec(stringField(body, "public_key")?.trim() ?? "")
    if (key === null) return yield* badRequest("Keypair data is invalid: failed to generate fingerprint")
    if (state.keypairs.has(`${caller.userId}/${name}`))
      return yield* refuse("nova", 409, `Key pair '${name}' already exists.`)
    const owned = [...state.keypairs.values()].filter((k) => k.userId === caller.userId).length
    if (owned + 1 > (state.projects.get(caller.projectId)?.quota.keyPairs ?? 0)) {
      return yield* new Refusal({ answer: overQuotaAnswer("nova", "key_pairs") })
    }
    const digest = createHash("md5")
      .update(Buffer.from(key[4] ?? "", "base64"))
      .digest("hex")
    const keypair: Keypair = {
      name,
      userId: caller.userId,
      projectId: caller.projectId,
      publicKey: key[0],
      type: stringField(body, "type") ?? "ssh",
      fingerprint: digest.match(/../g)?.join(":") ?? digest,
      createdAt: now
    }
    state.keypairs.set(`${caller.userId}/${name}`, keypair)
    return ok(keypairView(keypair, false), 201)
  })

export const route = (ctx: Ctx): Effect.Effect<Answer, Refusal> | undefined => {
  const { state, call, caller } = ctx
  const [, collection, id, more, item, beyond] = call.path.split("/")
  const get = call.method === "GET"
  if (call.path === "/" && get) return Effect.succeed(ok(versionDocument(state)))
  const checked = (effect: Effect.Effect<Answer, Refusal>) => Effect.zipRight(microversionOf(ctx), effect)
  if (collection === "servers" && more === undefined) {
    if (id === undefined) return call.method === "POST" ? createServer(ctx) : undefined
    if (id === "detail") return get ? checked(listServers(ctx)) : undefined
    if (get) return checked(Effect.map(ownServer(ctx, id), (s) => ok({ server: serverView(state, s) })))
    return call.method === "DELETE" ? checked(deleteServer(ctx, id)) : undefined
  }
  if (
    collection === "servers" &&
    id !== undefined &&
    more === "os-volume_attachments" &&
    beyond === undefined
  ) {
    return Effect.flatMap(microversionOf(ctx), (microversion) => {
      const served = routeVolumeAttachments(ctx, microversion, id, item)
      return served === undefined
        ? Effect.dieMessage(`cloud double: nova has no ${call.method} ${call.path}`)
        : served
    })
  }
  if (collection === "servers" && id !== undefined && more === "os-interface" && beyond === undefined) {
    const served = routeInterfaces(ctx, id, item)
    return served === undefined ? undefined : checked(served)
  }
  if (collection === "servers" && id !== undefined && more === "action" && item === undefined) {
    if (call.method !== "POST") return undefined
    // A rebuild (`novaRebuild.ts`), or resize, confirm, revert, stop and start (`novaServerActions.ts`).
    return routeServerAction(ctx, id) ?? checked(serverAction(ctx, id))
  }
  if (collection === "flavors" && get && more === undefined) {
    const flavors = [...state.flavors.values()]
    if (id === "detail") {
      return Effect.map(paginate(call, flavors, state.pageSize), (page) =>
        ok({ flavors: page.items.map(flavorView), flavors_links: links(page.next) })
      )
    }
    const flavor = state.flavors.get(id ?? "")
    return flavor === undefined
      ? refuse("nova", 404, `Flavor ${id} could not be found.`)
      : Effect.succeed(ok({ flavor: flavorView(flavor) }))
  }
  if (collection === "limits" && id === undefined && get) return checked(computeLimits(ctx))
  if (collection === "os-keypairs" && more === undefined) {
    if (id === undefined) {
      if (get) {
        const own = [...state.keypairs.values()].filter((k) => k.userId === caller.userId)
        return checked(
          Effect.succeed(ok({ keypairs: own.map((k) => keypairView(k, false)), keypairs_links: [] }))
        )
      }
      return call.method === "POST" ? checked(importKeypair(ctx)) : undefined
    }
    const key = `${caller.userId}/${id}`
    const keypair = state.keypairs.get(key)
    const missing = () => refuse("nova", 404, `Keypair ${id} not found for user ${caller.userId}`)
    if (get) return keypair === undefined ? missing() : Effect.succeed(ok(keypairView(keypair, true)))
    if (call.method !== "DELETE") return undefined
    if (keypair === undefined) return missing()
    state.keypairs.delete(key)
    return Effect.succeed(noContent)
  }
  return undefined
}
