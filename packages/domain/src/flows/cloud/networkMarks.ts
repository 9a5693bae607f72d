/**
 * Who made a Neutron network, subnet, router or port, by its marks (`marks.ts`): Enamel's task when it
 * carries both the task mark and a stage's token (never a task mark a user copied by hand alone).
 */
import { taskOfTags, tokenOfTags } from "./marks.js"

/** The task that made the resource, or null when Enamel did not make it. */
export const taskOfNeutronMarks = (tags: ReadonlyArray<string>): string | null => {
  const task = taskOfTags(tags)
  return task !== undefined && tokenOfTags(tags) !== undefined ? task : null
}

/** Whether Enamel made the resource (it carries a task mark and a token). */
export const madeByEnamel = (tags: ReadonlyArray<string>): boolean => taskOfNeutronMarks(tags) !== null
