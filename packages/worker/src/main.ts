import { NodeRuntime } from "@effect/platform-node"
import { registry } from "@enamel/domain/flows"
import { Layer } from "effect"
import { cloudWorker } from "./cloud/cloudWorker.js"

/** A worker: every flow version of the registry, on OpenStack. */
Layer.launch(cloudWorker(registry.flows)).pipe(NodeRuntime.runMain)
