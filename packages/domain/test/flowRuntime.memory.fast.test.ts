import { CheckpointsMemory } from "@enamel/domain"
import { flowRuntimeContract } from "../../../test/contracts/flowRuntime.js"

flowRuntimeContract("in-memory", CheckpointsMemory.layer)
