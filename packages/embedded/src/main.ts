import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { EnamelProcess } from "./EmbeddedProcess.js"

Layer.launch(EnamelProcess).pipe(NodeRuntime.runMain)
