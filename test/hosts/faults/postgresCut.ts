/**
 * Fault 1: a worker host cut off from PostgreSQL while it still reaches the cloud and RabbitMQ. It
 * cannot renew its leases, so it stops its cloud calls before they expire (a worker that cannot renew
 * stops itself well inside the lease), another worker takes its tasks over, and once healed it neither
 * writes nor creates anything for them. See partition.ts for the steps and what is checked.
 */
import { Duration } from "effect"
import { partition } from "./partition.js"

export const postgresCut = partition("postgres-cut", ["postgres"], {
  tasks: 2,
  servers: 2,
  // Self-stop at 5/6 of the lease, its delivery requeued, the lease expired, then claimed.
  takeoverWithin: Duration.seconds(40)
})
