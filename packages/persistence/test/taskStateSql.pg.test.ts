import * as TestDatabase from "@enamel/persistence/testing"
import { taskStateSqlContract } from "./support/taskStateSqlContract.js"

taskStateSqlContract("PostgreSQL server", TestDatabase.layer)
