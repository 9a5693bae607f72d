import { Migrator, SqlClient } from "@effect/sql"
import { Effect, Layer, Schedule } from "effect"
import createTaskTimeline from "./migrations/0001_create_task_timeline.js"
import createTasks from "./migrations/0002_create_tasks.js"
import createUserKeys from "./migrations/0003_create_user_keys.js"
import addTaskLeases from "./migrations/0004_add_task_leases.js"
import createLocalSecrets from "./migrations/0005_create_local_secrets.js"
import addTaskFlowVersion from "./migrations/0006_add_task_flow_version.js"
import createTopicSettings from "./migrations/0007_create_topic_settings.js"
import addTaskResourceIds from "./migrations/0008_add_task_resource_ids.js"
import createTaskCallbacks from "./migrations/0009_create_task_callbacks.js"
import addTaskKeepOnFailure from "./migrations/0010_add_task_keep_on_failure.js"
import addOutboxTraceparent from "./migrations/0011_add_outbox_traceparent.js"

/** Forward-only, numbered; a new migration is a new file and a new line here. */
const migrations = Migrator.fromRecord({
  "0001_create_task_timeline": createTaskTimeline,
  "0002_create_tasks": createTasks,
  "0003_create_user_keys": createUserKeys,
  "0004_add_task_leases": addTaskLeases,
  "0005_create_local_secrets": createLocalSecrets,
  "0006_add_task_flow_version": addTaskFlowVersion,
  "0007_create_topic_settings": createTopicSettings,
  "0008_add_task_resource_ids": addTaskResourceIds,
  "0009_create_task_callbacks": createTaskCallbacks,
  "0010_add_task_keep_on_failure": addTaskKeepOnFailure,
  "0011_add_outbox_traceparent": addOutboxTraceparent
})

const table = "enamel_migrations"
const run = Migrator.make({})

/**
 * Brings the schema up to date. Several API and worker processes may start at once: the migrator locks
 * its table for the run (so they queue), and the table is created up front so they cannot race on that.
 */
export const migrate = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
    migration_id integer PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    name text NOT NULL
  )`.pipe(Effect.retry(Schedule.recurs(3)))
  return yield* run({ loader: migrations, table }).pipe(
    Effect.retry({
      while: (e) => e._tag === "MigrationError" && e.reason === "locked",
      schedule: Schedule.spaced("200 millis").pipe(Schedule.intersect(Schedule.recurs(50)))
    })
  )
}).pipe(Effect.withSpan("Persistence.migrate"))

export const layerMigrated = Layer.effectDiscard(migrate)
