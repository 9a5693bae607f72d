import { embedded } from "./behaviour/backends.js"
import { enamelBehaviour } from "./behaviour/enamelBehaviour.js"

enamelBehaviour(embedded)
