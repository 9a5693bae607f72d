import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import { currentRequestId, documentOf, NotFound } from "@enamel/domain/contract"
import { Effect, FiberRef } from "effect"

/**
 * The timeline page at `/ui/`: its files (packages/api/ui/, every one served from here: no CDN); its
 * sign-in is `signIn.ts`. The page loads without a token; everything it shows comes from the API with the
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

/**
 * Where the page's files are: `packages/api/ui/` beside this module's package when run from the sources
 * (tsx, the Docker images); from a bundle elsewhere in the checkout (the `enamel` command's in
 * `.enamel/cli/`, the benchmarks'), the `packages/api/ui/` of the nearest folder above it that has one.
 */
const findAssetDir = (): string => {
  const here = dirname(fileURLToPath(import.meta.url))
  const beside = join(here, "..", "..", "ui")
  if (existsSync(join(beside, "index.html"))) return beside
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, "packages", "api", "ui")
    if (existsSync(join(candidate, "index.html"))) return candidate
    if (dirname(dir) === dir)
      throw new Error(`the timeline page's files (packages/api/ui/) are not above ${here}`)
  }
}

/**
 * Read once at start: the files are small, and a missing one fails the start, not a request. Read in
 * one synchronous step: an asynchronous read here let the server accept connections before the app was
 * attached, and Node leaves those unanswered (test/e2e/apiStartup.test.ts).
 */
const loadAssets = Effect.sync(() => {
  const dir = findAssetDir()
  return new Map<Asset, Uint8Array>(
    Object.keys(assets)
      .filter(isAsset)
      .map((name) => [name, readFileSync(join(dir, name))] as const)
  )
})

/** The page may load only its own files and talk only to this API. */
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

const notFound = Effect.map(FiberRef.get(currentRequestId), (requestId) =>
  HttpServerResponse.unsafeJson(
    documentOf(
      new NotFound({ code: ErrorCode.resourceNotFound, detail: "no such file of the page" }),
      requestId
    ),
    { status: 404 }
  )
)

/** The page's files, added to the API's router (the sign-in is the contract's: `signIn.ts`). */
export const layer = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const files = yield* loadAssets

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
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const name = request.url.split("?")[0]?.slice("/ui/".length) ?? ""
        return isAsset(name) ? Effect.succeed(serve(name)) : notFound
      })
    )
  })
)
