import { type HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import type { RunnableFlow } from "../engine/flow/RunnableFlow.js"
import type { Command } from "./Command.js"

/**
 * The porcelain commands a deployment offers, in the order they were added: one line each in
 * `flows/registry.ts`. Its `group` is the contract's `porcelain` group (every command's endpoint), so the
 * API serves exactly the commands listed, and the worker runs exactly their flows.
 */
export class Registry<Endpoints extends HttpApiEndpoint.HttpApiEndpoint.Any, R, RA> {
  private constructor(
    readonly commands: ReadonlyArray<Command<Endpoints, R, RA>>,
    readonly group: HttpApiGroup.HttpApiGroup<"porcelain", Endpoints, never>
  ) {}

  static readonly empty: Registry<never, never, never> = new Registry([], HttpApiGroup.make("porcelain"))

  /** The registry with one more command. */
  add<E extends HttpApiEndpoint.HttpApiEndpoint.Any, R2, RA2>(
    command: Command<E, R2, RA2>
  ): Registry<Endpoints | E, R | R2, RA | RA2> {
    if (this.commands.some((c) => c.type === command.type)) {
      throw new Error(`the registry lists ${command.type} twice`)
    }
    return new Registry<Endpoints | E, R | R2, RA | RA2>(
      [...this.commands, command],
      this.group.add(command.endpoint)
    )
  }

  /** The command of a task type, if this registry has it. */
  command(type: string): Command<Endpoints, R, RA> | undefined {
    return this.commands.find((c) => c.type === type)
  }

  /** Every flow version of every command: what a worker can run. */
  get flows(): ReadonlyArray<RunnableFlow<R>> {
    return this.commands.flatMap((c) => c.versions)
  }

  /** `type=concurrency,…` for every command: the default of ENAMEL_WORKER_TOPICS. */
  get defaultTopics(): string {
    return this.commands.map((c) => `${c.type}=${c.concurrency}`).join(",")
  }
}
