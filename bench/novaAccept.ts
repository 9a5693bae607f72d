/**
 * Nova's own POST /servers → 202 on the dev cloud, as alice: `requests` boots at `connections` at once
 * (image tiny, flavor m1.tiny, the private network), then every server made is deleted and waited for;
 * afterwards no server with the round's name is left, or the run fails.
 */
import type { AcceptRow } from "./accept.js"
import { call, type Login, sleep } from "./support/cloud.js"
import { quantile, round } from "./support/stats.js"

interface Named {
  readonly id: string
  readonly name: string
}

const serversNamed = async (who: Login, prefix: string) =>
  (await call<{ servers: ReadonlyArray<Named> }>(who, "compute", "GET", `/servers?name=^${prefix}`)).servers

const idOf = async (who: Login, service: string, path: string, key: string) => {
  const found = (await call<Record<string, ReadonlyArray<Named>>>(who, service, "GET", path))[key]?.[0]
  if (found === undefined) throw new Error(`not found: ${service} ${path}`)
  return found.id
}

const deleteServersNamed = async (who: Login, prefix: string) => {
  const made = await serversNamed(who, prefix)
  for (const server of made) await call(who, "compute", "DELETE", `/servers/${server.id}`)
  for (let i = 0; i < 600; i++) {
    if ((await serversNamed(who, prefix)).length === 0) return made.length
    await sleep(500)
  }
  throw new Error(`servers named ${prefix}* are still there after 5 minutes`)
}

/**
 * `requests` calls, `connections` at a time, each timed (autocannon hung on Nova's API when it closed
 * connections, so this is a plain loop over fetch).
 */
const boundedLoad = async (
  connections: number,
  requests: number,
  once: () => Promise<unknown>
): Promise<AcceptRow> => {
  const latencies: Array<number> = []
  let errors = 0
  let next = 0
  const started = performance.now()
  const lane = async () => {
    while (next < requests) {
      next++
      const sent = performance.now()
      await once().then(
        () => latencies.push(performance.now() - sent),
        () => errors++
      )
    }
  }
  await Promise.all(Array.from({ length: Math.min(connections, requests) }, lane))
  const seconds = (performance.now() - started) / 1000
  return {
    connections,
    requests,
    requestsPerSecond: round(latencies.length / seconds, 1),
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p99Ms: Math.round(quantile(latencies, 0.99)),
    // call() fails on any non-2xx answer as on a network error: all counted as failed requests.
    non2xx: errors,
    errors: 0
  }
}

export const novaAcceptRound = async (
  who: Login,
  connections: number,
  requests: number
): Promise<AcceptRow> => {
  const [imageRef, flavorRef, networkId] = await Promise.all([
    idOf(who, "image", "/v2/images?name=tiny", "images"),
    call<{ flavors: ReadonlyArray<Named> }>(who, "compute", "GET", "/flavors").then((answer) => {
      const tiny = answer.flavors.find((f) => f.name === "m1.tiny")
      if (tiny === undefined) throw new Error("no flavor m1.tiny")
      return tiny.id
    }),
    idOf(who, "network", "/v2.0/networks?name=private", "networks")
  ])
  const prefix = `bench-nova-${Date.now().toString(36)}`
  const body = { server: { name: `${prefix}-x`, imageRef, flavorRef, networks: [{ uuid: networkId }] } }
  const result = await boundedLoad(connections, requests, () =>
    call(who, "compute", "POST", "/servers", body)
  ).finally(() => deleteServersNamed(who, prefix))
  return result
}
