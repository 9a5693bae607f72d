import { servers } from "./behaviour/backends.js"
import { callbackBehaviour } from "./behaviour/callbacks.js"

callbackBehaviour(servers, { twoAtOnce: true })
