import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { ApiProcess } from "./ApiProcess.js"

Layer.launch(ApiProcess).pipe(NodeRuntime.runMain)
