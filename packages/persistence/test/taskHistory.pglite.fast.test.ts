import * as TestDatabase from "@enamel/persistence/testing"
import { taskHistoryContract } from "./support/taskHistoryContract.js"

taskHistoryContract("PGlite (embedded)", TestDatabase.layerPglite)
