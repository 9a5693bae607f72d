/**
 * The AMQP names both the API (publishing) and the worker (consuming) use: one durable topic exchange
 * for tasks; per task type a durable priority queue bound by its routing key, dead-lettering into a
 * second exchange whose queue keeps what could not be processed.
 */
export const tasksExchange = "enamel.tasks"
export const deadLetterExchange = "enamel.tasks.dead"
export const deadLetterQueue = "enamel.tasks.dead"
export const maxPriority = 9

export const queueFor = (topic: string): string => `enamel.task.${topic}`

export const queueArguments = {
  "x-max-priority": maxPriority,
  "x-dead-letter-exchange": deadLetterExchange
} as const
