/**
 * The timeline page in Debian's Chromium (playwright-core, /usr/bin/chromium), against the dev cloud:
 * alice signs in with her name, password and project; the test starts a two-server task; the page
 * shows its bars while it runs (live, from the event stream) and ends SUCCEEDED, with each server on its
 * own rows and the ids of what it made. A screenshot is saved to .enamel/artifacts/timeline.png; then
 * the servers are deleted through Enamel.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HttpServer } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { removeTopology } from "@enamel/broker/testing"
import { ErrorCode } from "@enamel/domain"
import { Effect, Layer, Redacted } from "effect"
import { type BrowserContext, chromium } from "playwright-core"
import { afterAll } from "vitest"
import { sessionFor, uniqueName } from "../../packages/openstack-clients/test/support/cloud.js"
import * as CloudFlows from "../../packages/worker/src/cloud/cloudFlows.js"
import { workerPools } from "../../packages/worker/src/WorkerProcess.js"
import {
  call,
  cloudCount,
  deleteUserKeysAtEnd,
  enamelApi,
  finished,
  fullServers,
  identityEnv,
  inProcessWorkerSettings,
  type TaskBody
} from "./enamel.js"

const namespace = uniqueName("timeline")
afterAll(() =>
  Effect.runPromise(removeTopology({ namespace, topics: ["server.create", "server.delete"], own: true }))
)

const Enamel = enamelApi(workerPools(CloudFlows.layer)).pipe(
  Layer.provide(inProcessWorkerSettings(namespace, [["ENAMEL_ACCESS_LOG", "false"]]))
)

/** The flags the issue names, and a fresh profile. */
const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run"
]

/** A browser with a fresh profile, closed (and its profile removed) with the scope. */
const browser = Effect.acquireRelease(
  Effect.promise(async () => {
    const profile = mkdtempSync(join(tmpdir(), "enamel-chromium-"))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: chromiumFlags,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1
    })
    return { context, profile }
  }),
  ({ context, profile }) =>
    Effect.promise(async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    })
)

const page = (context: BrowserContext) => Effect.promise(() => context.newPage())

/** A failed two-server task's answer, shaped as `GET /tasks/{id}` gives it. */
const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 1, 0, second)).toISOString()
const entry = (
  stage: string,
  phase: "run" | "compensate",
  state: string,
  attempt: number,
  from: number,
  to: number,
  error: { code: string; message: string } | null = null
) => ({
  stage,
  phase,
  state,
  attempt,
  started_at: at(from),
  ended_at: at(to),
  duration_ms: (to - from) * 1000,
  error,
  request_ids: [`req-${crypto.randomUUID()}`]
})
const overQuota = {
  code: ErrorCode.openstackOverQuota,
  message:
    "Cinder: VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. " +
    "Requested 20G, quota is 20G and 20G has been consumed."
}
const failedTask = {
  id: "6f1c1f57-3c4e-4b7a-9d07-5b1f7f0c2a11",
  type: "server.create",
  flow_version: 2,
  state: "FAILED",
  project_id: "p",
  user_id: "u",
  priority: 0,
  params: { name: "web", count: 2 },
  result: null,
  error: { ...overQuota, stage: "server[1]/createBootVolume" },
  created_at: at(0),
  updated_at: at(14),
  started_at: at(0),
  ended_at: at(14),
  links: [],
  progress: { done: 3, total: null },
  on_failure: "rollback",
  held: false,
  timeline: [
    entry("resolveRequest", "run", "SUCCEEDED", 1, 0, 2),
    entry("server[0]/network[0]/createPort", "run", "SUCCEEDED", 1, 2, 4),
    entry("server[0]/createBootVolume", "run", "SUCCEEDED", 1, 2, 5),
    entry("server[1]/createBootVolume", "run", "RETRYING", 1, 2, 3, {
      code: ErrorCode.openstackServiceUnavailable,
      message: "Cinder: 503 Service Unavailable"
    }),
    entry("server[1]/createBootVolume", "run", "FAILED", 2, 4, 6, overQuota),
    entry("server[0]/createBootVolume", "compensate", "SUCCEEDED", 1, 7, 10),
    entry("server[0]/network[0]/createPort", "compensate", "FAILED", 1, 7, 9, {
      code: ErrorCode.openstackConflict,
      message: "Neutron: Port is in use"
    }),
    entry("server[0]/network[0]/createPort", "compensate", "SUCCEEDED", 2, 10, 12)
  ]
}

/**
 * Should the test fail half-way, what the task made is still removed (through Enamel) when the scope
 * closes; after the test's own deletes this finds nothing left to delete.
 */
const removeAtEnd = (taskId: string, token: string) =>
  Effect.addFinalizer(() =>
    Effect.gen(function* () {
      const task = yield* finished(taskId, token)
      for (const built of task.result?.servers ?? []) {
        const deleting = yield* call("DELETE", `/servers/${built.id}`, token)
        if (deleting.status === 202) yield* finished((deleting.body as TaskBody).task.id, token)
      }
    }).pipe(Effect.ignore)
  )

const artifacts = join(process.cwd(), ".enamel", "artifacts")

describe("the timeline page in Chromium", () => {
  layer(Enamel, { timeout: 240_000, excludeTestServices: true })((it) => {
    it.scoped(
      "alice signs in, watches a two-server task's bars appear live and end SUCCEEDED",
      () =>
        Effect.gen(function* () {
          const server = yield* HttpServer.HttpServer
          const port = server.address._tag === "TcpAddress" ? server.address.port : 0
          const alice = yield* sessionFor("alice")
          yield* deleteUserKeysAtEnd(alice)
          const env = identityEnv("alice")
          const { context } = yield* browser
          const tab = yield* page(context)
          const consoleErrors: Array<string> = []
          tab.on("console", (message) => {
            if (message.type() === "error") consoleErrors.push(message.text())
          })
          const outside: Array<string> = []
          tab.on("request", (request) => {
            if (!request.url().startsWith(`http://127.0.0.1:${port}/`)) outside.push(request.url())
          })

          // Sign in with the form: the page asks Enamel, which asks Keystone once.
          yield* Effect.promise(async () => {
            await tab.goto(`http://127.0.0.1:${port}/ui/`)
            await tab.locator("#signin").waitFor({ state: "visible" })
            await tab.fill("input[name=username]", env.OS_USERNAME ?? "alice")
            await tab.fill("input[name=password]", env.OS_PASSWORD ?? "")
            await tab.fill("input[name=project]", env.OS_PROJECT_NAME ?? "alpha")
            await tab.click("#password-form button[type=submit]")
            await tab.locator("#app").waitFor({ state: "visible", timeout: 20_000 })
          })
          const stored = yield* Effect.promise(() =>
            // In the page (the test's own TypeScript has no DOM): what the browser keeps for this origin.
            tab.evaluate<{ session: string | null; local: number; cookies: string }>(
              `({ session: sessionStorage.getItem("enamel.session"), local: localStorage.length, cookies: document.cookie })`
            )
          )
          expect(stored.session).toContain('"user":"alice"')
          expect([stored.local, stored.cookies]).toEqual([0, ""])

          // The task, started from the test with alice's own token.
          const token = Redacted.value((yield* alice.authentication).token)
          const name = uniqueName("ui")
          const accepted = yield* call("POST", "/servers", token, fullServers(name, 2))
          expect(accepted.status).toBe(202)
          const taskId = (accepted.body as TaskBody).task.id
          yield* removeAtEnd(taskId, token)

          mkdirSync(artifacts, { recursive: true })
          // The list shows it within a poll; choosing it opens its chart, live while it runs.
          const seenLive = yield* Effect.promise(async () => {
            const item = tab.locator(`[data-task-id="${taskId}"]`)
            await item.waitFor({ state: "visible", timeout: 20_000 })
            await item.click()
            await tab.locator(".gantt .bar").first().waitFor({ state: "visible", timeout: 60_000 })
            // A moment later both servers' first stages run side by side: the screenshot of a live chart.
            await tab.locator(".gantt .bar.running").nth(1).waitFor({ state: "visible", timeout: 30_000 })
            const live = await tab.locator("#live").isVisible()
            const badge = await tab.locator("#task-state .badge").textContent()
            await tab.screenshot({ path: join(artifacts, "timeline-running.png"), fullPage: true })
            return { live, badge }
          })
          expect(seenLive.live).toBe(true)
          expect(seenLive.badge).not.toBe("SUCCEEDED")

          const task = yield* finished(taskId, token)
          expect(task.state).toBe("SUCCEEDED")
          const shown = yield* Effect.promise(async () => {
            await tab
              .locator("#task-state .badge", { hasText: "SUCCEEDED" })
              .waitFor({ state: "visible", timeout: 30_000 })
            await tab.locator("#live").waitFor({ state: "hidden", timeout: 10_000 })
            return {
              bars: await tab.locator(".gantt .bar").count(),
              running: await tab.locator(".gantt .bar.running").count(),
              groups: await tab.locator(".gantt .group-title").allTextContents(),
              made: await tab.locator("#made").textContent()
            }
          })
          // Every stage attempt of the task is one bar; none is still running.
          const attempts = task.timeline.filter((e) => e.stage !== "$flow").length
          expect(shown.bars).toBe(attempts)
          expect(shown.running).toBe(0)
          // Each server's stages on their own rows, under the server's title.
          expect(shown.groups.filter((g) => g.startsWith("Server ")).length).toBe(2)
          for (const built of task.result.servers) expect(shown.made).toContain(built.id)

          yield* Effect.promise(() =>
            tab.screenshot({ path: join(artifacts, "timeline.png"), fullPage: true })
          )
          expect(outside).toEqual([])
          expect(consoleErrors).toEqual([])

          // Nothing left behind: both servers deleted through Enamel.
          const deleted = yield* Effect.forEach(
            task.result.servers,
            (built) =>
              Effect.flatMap(call("DELETE", `/servers/${built.id}`, token), (deleting) =>
                finished((deleting.body as TaskBody).task.id, token)
              ),
            { concurrency: "unbounded" }
          )
          expect(deleted.map((d) => d.state)).toEqual(["SUCCEEDED", "SUCCEEDED"])
          expect(yield* cloudCount(taskId, alice)).toEqual({
            servers: 0,
            volumes: 0,
            ports: 0,
            floatingIps: 0
          })

          // A task that met the cloud's refusal, as the API would answer it (the browser is handed this
          // answer; the page is the real one): the failed stage and the cloud's words, the retried
          // attempt, the undos and the undo that failed, each in its own colour.
          const failed = yield* Effect.promise(async () => {
            await tab.route(`**/tasks/${failedTask.id}`, (route) =>
              route.fulfill({ json: { task: failedTask } })
            )
            await tab.evaluate(`location.hash = "#/tasks/${failedTask.id}"`)
            await tab.locator("#failure").waitFor({ state: "visible", timeout: 10_000 })
            const kinds = await tab
              .locator(".gantt .bar")
              .evaluateAll((bars) => bars.map((bar) => bar.getAttribute("class")))
            const failure = await tab.locator("#failure").textContent()
            const problems = await tab.locator("#problems li").count()
            await tab.screenshot({ path: join(artifacts, "timeline-failed.png"), fullPage: true })
            return { kinds, failure, problems }
          })
          expect([...failed.kinds].sort()).toEqual(
            [
              "bar failed",
              "bar retrying",
              "bar succeeded",
              "bar succeeded",
              "bar succeeded",
              "bar undo",
              "bar undo",
              "bar undo-failed"
            ].sort()
          )
          expect(failed.failure).toContain("Failed at server[1]/createBootVolume")
          expect(failed.failure).toContain("VolumeSizeExceedsAvailableQuota")
          expect(failed.problems).toBe(3)
        }),
      240_000
    )
  })
})
