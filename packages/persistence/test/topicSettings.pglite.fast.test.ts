import * as TestDatabase from "@enamel/persistence/testing"
import { topicSettingsContract } from "./support/topicSettingsContract.js"

topicSettingsContract("PGlite (embedded)", TestDatabase.layerPglite)
