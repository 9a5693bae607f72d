import { NodeRuntime } from "@effect/platform-node"
import { Logging } from "@enamel/domain"
import { Tracing } from "@enamel/telemetry"
import { Layer } from "effect"
import { ApiProcess } from "./ApiProcess.js"

Layer.launch(Layer.provide(ApiProcess, [Logging.layer, Tracing.layer("enamel-api")])).pipe(
  NodeRuntime.runMain
)
