import { CheckpointsPg } from "@enamel/persistence"
import * as TestDatabase from "@enamel/persistence/testing"
import { Layer } from "effect"
import { flowKeepContract } from "../../../test/contracts/flowKeep.js"

flowKeepContract("PostgreSQL", CheckpointsPg.layer.pipe(Layer.provide(TestDatabase.layer)))
