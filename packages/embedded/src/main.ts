import { NodeRuntime } from "@effect/platform-node"
import { Logging } from "@enamel/domain"
import { Layer } from "effect"
import { EnamelProcess } from "./EmbeddedProcess.js"

// Ctrl-C reaches this process twice (from the terminal, and relayed by tsx). The runtime stops listening
// after the first signal, and the second would end the process before PGlite is closed: ignore repeats.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => undefined)

Layer.launch(Layer.provide(EnamelProcess, Logging.layer)).pipe(NodeRuntime.runMain)
