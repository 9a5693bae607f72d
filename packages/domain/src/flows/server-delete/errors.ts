/** `ServerNotFound` is shared with the other flows that act on an existing server (`cloud/serverErrors.ts`). */
export { ServerNotFound } from "../cloud/serverErrors.js"
