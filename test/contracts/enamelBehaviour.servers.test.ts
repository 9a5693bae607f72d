import { servers } from "./behaviour/backends.js"
import { enamelBehaviour } from "./behaviour/enamelBehaviour.js"

enamelBehaviour(servers())
