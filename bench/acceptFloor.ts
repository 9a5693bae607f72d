/**
 * The accepting floors, each its own compiled process beside a deployment:
 * - the bare parts (bench/acceptFloorServer.ts): its table goes into the deployment's database (dropped
 *   with it), its exchange and queue under `<namespace>-floor` (removed here, or by the next run's
 *   clean-up if this one dies);
 * - the framework alone (bench/acceptHttpApiServer.ts), which keeps nothing.
 */
import { spawn } from "node:child_process"
import { removeTopology } from "@enamel/broker/testing"
import { Effect } from "effect"
import { bundle } from "./support/build.js"
import {
  type Deployment,
  databaseUrl,
  floorNamespace,
  freePort,
  killOnExit,
  stop,
  waitForHttp
} from "./support/enamel.js"

export interface AcceptFloor {
  readonly url: string
  readonly pid: number
  readonly close: () => Promise<void>
}

const startServer = async (
  entry: string,
  name: string,
  env: Record<string, string>,
  removeAfter: () => Promise<void>
): Promise<AcceptFloor> => {
  const script = await bundle(entry, name)
  const port = freePort()
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, FLOOR_PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"]
  })
  killOnExit(child)
  const close = async () => {
    await stop(child)
    await removeAfter()
  }
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}/`, name, child)
  } catch (error) {
    await close()
    throw error
  }
  return { url, pid: child.pid ?? 0, close }
}

/** Node's HTTP server, one INSERT and one confirmed publish per request. */
export const startAcceptFloor = (beside: Deployment): Promise<AcceptFloor> => {
  const namespace = floorNamespace(beside.namespace)
  return startServer(
    "bench/acceptFloorServer.ts",
    "accept-floor",
    { FLOOR_DATABASE_URL: databaseUrl(beside.database), FLOOR_NAMESPACE: namespace },
    () => Effect.runPromise(removeTopology({ namespace, topics: ["server.create"], own: true }))
  )
}

/** Effect's HttpApi with Enamel's request schema, answering 202 at once. */
export const startHttpApiOnly = (): Promise<AcceptFloor> =>
  startServer("bench/acceptHttpApiServer.ts", "accept-httpapi", {}, async () => undefined)
