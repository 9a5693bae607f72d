import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Traces (issue #21): the W3C `traceparent` of the span that wrote an outbox row (the API's request, a
 * retry, a worker handing a long task on). The relay publishes the row later, in another fiber or
 * process, and continues that trace: its publish span is a child of it, and the AMQP message carries the
 * publish span's `traceparent` to the worker. Nullable: rows announced again at start have no request.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE task_outbox ADD COLUMN traceparent text`
})
