/** `GET /servers/{id}`: a porcelain read (no task): the server with what is attached to it, and who made each. */
export { readServer } from "./readServer.js"
export { ServerPortView, ServerResponse, ServerView, ServerVolumeView } from "./view.js"
