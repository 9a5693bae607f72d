import { CheckpointsPg } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Layer } from "effect"
import { flowRuntimeContract } from "../../../test/contracts/flowRuntime.js"

flowRuntimeContract("PGlite (embedded)", CheckpointsPg.layer.pipe(Layer.provide(TestDatabase.layerPglite)))
