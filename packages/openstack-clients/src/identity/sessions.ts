/** Ways to build a Session: `Sessions.make(options)`, `Sessions.layer(options)`, `Sessions.fromBarbicanKey(ref)`. */
export {
  ApplicationCredentialKey,
  applicationCredentialKeyPayload,
  fromApplicationCredentialKey,
  fromBarbicanKey,
  storeApplicationCredentialKey
} from "./barbicanKey.js"
export { fromAuthentication } from "./fromAuthentication.js"
export { layer, make, refreshMargin, type SessionOptions } from "./makeSession.js"
