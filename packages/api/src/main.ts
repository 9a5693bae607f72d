import { NodeRuntime } from "@effect/platform-node"
import { Logging } from "@enamel/domain"
import { Layer } from "effect"
import { ApiProcess } from "./ApiProcess.js"

Layer.launch(Layer.provide(ApiProcess, Logging.layer)).pipe(NodeRuntime.runMain)
