/**
 * Fault 3: a worker host cut off from everything (PostgreSQL, RabbitMQ, the cloud) for longer than its
 * lease, then healed. RabbitMQ gives its deliveries back once its heartbeats stop; another worker takes
 * its tasks over once the leases expired; the batch ends while it is still cut off, and once healed it
 * neither writes nor creates anything for those tasks. See partition.ts for the steps and the checks.
 */
import { Duration } from "effect"
import { partition } from "./partition.js"

export const fullCut = partition("full-cut", ["all"], {
  tasks: 2,
  servers: 2,
  // RabbitMQ notices the dead connection after two missed heartbeats (`?heartbeat=5`: about 10 s).
  takeoverWithin: Duration.seconds(60)
})
