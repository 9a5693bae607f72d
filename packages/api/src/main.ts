import { NodeRuntime } from "@effect/platform-node"
import { Tracing } from "@enamel/telemetry"
import { Layer } from "effect"
import { ApiProcess } from "./ApiProcess.js"

Layer.launch(Layer.provide(ApiProcess, Tracing.layer("enamel-api"))).pipe(NodeRuntime.runMain)
