import { Config } from "effect"

/**
 * The AMQP names the API (publishing) and the worker (consuming) share: one durable topic exchange for
 * tasks; per task type a durable priority queue bound by its routing key, dead-lettering into a second
 * exchange whose queue keeps what could not be processed. All under a namespace (ENAMEL_AMQP_NAMESPACE,
 * default `enamel`), so several deployments (or test runs) can share one broker.
 */
export interface Topology {
  readonly tasksExchange: string
  readonly deadLetterExchange: string
  readonly deadLetterQueue: string
  readonly queueFor: (topic: string) => string
}

export const maxPriority = 9

export const make = (namespace: string): Topology => ({
  tasksExchange: `${namespace}.tasks`,
  deadLetterExchange: `${namespace}.tasks.dead`,
  deadLetterQueue: `${namespace}.tasks.dead`,
  queueFor: (topic) => `${namespace}.task.${topic}`
})

export const queueArguments = (topology: Topology) =>
  ({ "x-max-priority": maxPriority, "x-dead-letter-exchange": topology.deadLetterExchange }) as const

export const namespace = Config.string("ENAMEL_AMQP_NAMESPACE").pipe(
  Config.withDefault("enamel"),
  Config.validate({ message: "letters, digits, . - _ only", validation: (s) => /^[A-Za-z0-9._-]+$/.test(s) })
)

export const fromConfig = Config.map(namespace, make)

/** The default namespace's names. */
export const defaults = make("enamel")
export const { tasksExchange, deadLetterExchange, deadLetterQueue, queueFor } = defaults
