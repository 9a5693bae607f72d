import { readFile } from "node:fs/promises"
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { type ApiError, currentRequestId, documentOf } from "@enamel/domain/contract"
import { Keystone, Session } from "@enamel/openstack-clients"
import { Effect, FiberRef, Option, Schema } from "effect"
import { makeSignIn, makeThrottle, malformed, maxSignInBytes, SignInRequest, tooLarge } from "./signIn.js"

/**
 * The timeline page at `/ui/`: its files (packages/api/ui/, every one served from here: no CDN) and
 * its sign-in. The page loads without a token; everything it shows comes from the API with the
 * user's token, kept in the browser's session storage.
 */

/** The page's files: a fixed list, so no path from a request ever reaches the file system. */
export const assets = {
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "gantt.js": "text/javascript; charset=utf-8",
  "favicon.svg": "image/svg+xml"
} as const
export type Asset = keyof typeof assets

const isAsset = (name: string): name is Asset => Object.hasOwn(assets, name)

const assetDir = new URL("../../ui/", import.meta.url)

/** Read once at start: the files are small, and a missing one fails the start, not a request. */
const loadAssets = Effect.forEach(
  Object.keys(assets).filter(isAsset),
  (name) =>
    Effect.map(
      Effect.promise(() => readFile(new URL(name, assetDir))),
      (bytes) => [name, bytes] as const
    ),
  { concurrency: "unbounded" }
).pipe(Effect.map((files) => new Map<Asset, Uint8Array>(files)))

/** The page may load only its own files and talk only to this API. */
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

const errorAnswer = (error: ApiError) =>
  Effect.map(FiberRef.get(currentRequestId), (requestId) =>
    HttpServerResponse.unsafeJson(documentOf(error, requestId), {
      status: error.status,
      headers: error.status === 503 ? { "retry-after": "5" } : {}
    })
  )

const readSignIn = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const length = Number(request.headers["content-length"] ?? "0")
  if (Number.isFinite(length) && length > maxSignInBytes) return yield* Effect.fail(tooLarge)
  const body = yield* request.json.pipe(
    HttpServerRequest.withMaxBodySize(Option.some(maxSignInBytes)),
    Effect.mapError((error) =>
      error.reason === "Decode" ? malformed("body: must be a JSON object") : tooLarge
    )
  )
  return yield* Schema.decodeUnknown(SignInRequest, { onExcessProperty: "error" })(body).pipe(
    Effect.mapError((error) => malformed(error.message.split("\n").slice(-1)[0] ?? "body: invalid"))
  )
})

const clientAddress = Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
  Option.getOrElse(request.remoteAddress, () => "unknown")
)

/**
 * The routes, added to the API's router. Keystone and the service session (for Keystone's URL) are
 * taken when the process has them (the API and the embedded process do); without them the sign-in
 * answers 503 and the page offers the token field.
 */
export const layer = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const files = yield* loadAssets
    const keystone = Option.getOrUndefined(yield* Effect.serviceOption(Keystone))
    const session = Option.getOrUndefined(yield* Effect.serviceOption(Session))
    const signIn = makeSignIn(keystone, session?.authUrl)
    const throttle = yield* makeThrottle

    const serve = (name: Asset) => {
      const bytes = files.get(name) ?? new Uint8Array()
      return HttpServerResponse.uint8Array(bytes, {
        contentType: assets[name],
        headers: { ...securityHeaders, "cache-control": "no-cache" }
      })
    }

    // The router takes `/ui` and `/ui/` for one route: `/ui` is sent on to `/ui/`.
    yield* router.get(
      "/ui/",
      Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
        request.url.split("?")[0] === "/ui"
          ? HttpServerResponse.redirect("/ui/", { status: 301 })
          : serve("index.html")
      )
    )
    yield* router.get(
      "/ui/:file",
      Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
        const name = request.url.split("?")[0]?.slice("/ui/".length) ?? ""
        return isAsset(name) ? serve(name) : HttpServerResponse.text("Not Found", { status: 404 })
      })
    )
    yield* router.post(
      "/ui/sign-in",
      Effect.gen(function* () {
        yield* throttle(yield* clientAddress)
        const answer = yield* signIn(yield* readSignIn)
        return HttpServerResponse.unsafeJson(answer, {
          status: 201,
          headers: { "cache-control": "no-store" }
        })
      }).pipe(Effect.catchAll(errorAnswer))
    )
  })
)
