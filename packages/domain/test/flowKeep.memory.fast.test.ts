import { CheckpointsMemory } from "@enamel/domain"
import { flowKeepContract } from "../../../test/contracts/flowKeep.js"

flowKeepContract("in-memory", CheckpointsMemory.layer)
