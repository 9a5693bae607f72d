import { Command, Options } from "@effect/cli"
import { Effect } from "effect"

/**
 * `enamel serve`: Enamel in embedded mode, the API and a worker for every topic in this process on
 * PGlite (ENAMEL_DATA_DIR) and the in-process broker, acting as Enamel's service user (the OS_*
 * variables). `--host`/`--port` stand in for ENAMEL_API_HOST/PORT (`--port 0`: any free port); the line
 * `listening on http://…` says where it is once it answers.
 */
const host = Options.text("host").pipe(
  Options.optional,
  Options.withDescription("where the API listens (else ENAMEL_API_HOST, else 127.0.0.1)")
)
const port = Options.integer("port").pipe(
  Options.optional,
  Options.withDescription("its port (else ENAMEL_API_PORT, else 8780; 0: any free port)")
)

export const serve = Command.make("serve", { host, port }, (flags) =>
  Effect.flatMap(
    Effect.promise(() => import("./serveProcess.js")),
    (embedded) => embedded.serveEmbedded(flags)
  )
).pipe(
  Command.withDescription(
    "Run Enamel in embedded mode: the API and a worker in one process on PGlite, no database or broker to run."
  )
)
