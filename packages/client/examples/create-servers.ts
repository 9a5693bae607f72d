/**
 * A library user's program: two servers with floating IPs through Enamel, each stage shown as it runs,
 * then the servers' addresses. Configured as OpenStack's own clients are (OS_CLOUD or OS_*; ENAMEL_URL
 * if Enamel is not in the catalog). packages/client/README.md shows this file from its first import on
 * (a fast test keeps the two the same, so the README's example type-checks):
 *
 *   eval "$(devcloud/devcloud env alice)" && corepack pnpm exec tsx packages/client/examples/create-servers.ts
 */
import { NodeRuntime } from "@effect/platform-node"
import { EnamelClient, isTransient, TaskEvent } from "@enamel/client"
import { ServerCreate } from "@enamel/domain/flows"
import { Console, Effect, Schema } from "effect"

const program = Effect.gen(function* () {
  const enamel = yield* EnamelClient
  const idempotencyKey = crypto.randomUUID()
  const { task } = yield* enamel.api.porcelain
    .createServers({
      payload: {
        name: "web",
        count: 2,
        image: "tiny",
        flavor: "m1.tiny",
        networks: [{ network: "private", floating_ip: { network: "public" } }],
        priority: 5
      },
      headers: { "idempotency-key": idempotencyKey }
    })
    // Sent again when Enamel did not answer: the same key and body give the same task, not a second one.
    .pipe(Effect.retry({ times: 3, while: isTransient }))

  const done = yield* enamel.waitForTask(task.id, {
    onEvent: TaskEvent.$match({
      Stage: ({ entry }) => Console.log(`${entry.phase} ${entry.stage} ${entry.state}`),
      Task: ({ task }) => Console.log(`task ${task.id} ${task.state}`)
    })
  })
  if (done.state !== "SUCCEEDED") {
    return yield* Console.error(`${done.error?.code}: ${done.error?.message}`)
  }
  const { servers } = yield* Schema.decodeUnknown(ServerCreate.CreateServersResult)(done.result)
  for (const server of servers) {
    yield* Console.log(`${server.name} ${server.id} ${server.floating_ips.map((ip) => ip.address).join(" ")}`)
  }
}).pipe(
  Effect.catchTag("EnamelApiError", (e) => Console.error(`${e.code}: ${e.detail} (request ${e.requestId})`)),
  Effect.provide(EnamelClient.layerConfig) // OS_CLOUD / clouds.yaml / OS_*; Enamel from the catalog
)

NodeRuntime.runMain(program)
