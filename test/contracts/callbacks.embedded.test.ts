import { embeddedWith } from "./behaviour/backends.js"
import { callbackBehaviour } from "./behaviour/callbacks.js"

callbackBehaviour(embeddedWith, { twoAtOnce: false })
