/**
 * What a task's event stream carries, as `@enamel/client` yields it: each write of the timeline (`Stage`),
 * then the task once it has ended (`Task`). The renderers read nothing else.
 */
export type { TaskEvent } from "@enamel/client"
