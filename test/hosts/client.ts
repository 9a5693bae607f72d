/** A client of the deployment, as a user's program talks to it: HTTP through HAProxy, with a token. */
import { TaskState } from "@enamel/domain"
import type { SessionShape } from "@enamel/openstack-clients"
import { Data, Effect } from "effect"
import type { TaskBody } from "../e2e/enamel.js"
import { tokenOf } from "../e2e/enamel.js"
import { eventually } from "../support/poll.js"

export interface Answer {
  readonly status: number
  readonly body: unknown
}

/** A request that got no answer in time (or whose connection failed): a client would retry it. */
export class NoAnswer extends Data.TaggedError("NoAnswer")<{
  readonly method: string
  readonly path: string
  readonly reason: string
}> {}

export interface SendOptions {
  readonly token?: string
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** How long the client waits for the answer (default 30 s). */
  readonly timeoutMs?: number
}

/** One request to `baseUrl`; its status and parsed body, or NoAnswer. */
export const send = (baseUrl: string, method: string, path: string, options: SendOptions = {}) =>
  Effect.tryPromise({
    try: async (): Promise<Answer> => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(options.token === undefined ? {} : { "x-auth-token": options.token }),
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers
        },
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
      })
      const text = await response.text()
      let body: unknown = text
      try {
        body = text === "" ? null : JSON.parse(text)
      } catch {
        // not JSON (HAProxy's own error pages): keep the text
      }
      return { status: response.status, body }
    },
    catch: (error) => new NoAnswer({ method, path, reason: String(error) })
  })

const isTaskBody = (body: unknown): body is TaskBody =>
  typeof body === "object" &&
  body !== null &&
  "task" in body &&
  typeof body.task === "object" &&
  body.task !== null &&
  "id" in body.task

/** The task of an answer (202 of a porcelain call, 200 of GET /tasks/ID); dies on any other answer. */
export const taskOf = (answer: Answer) =>
  isTaskBody(answer.body) && answer.status < 300
    ? Effect.succeed(answer.body.task)
    : Effect.dieMessage(`expected a task, got ${answer.status}: ${JSON.stringify(answer.body)}`)

/** Polls GET /tasks/ID through `baseUrl` until the task ends; a request left unanswered is read again. */
export const finishedTask = (baseUrl: string, taskId: string, session: SessionShape) =>
  eventually(
    Effect.gen(function* () {
      const token = yield* tokenOf(session)
      const answer = yield* send(baseUrl, "GET", `/tasks/${taskId}`, { token, timeoutMs: 10_000 }).pipe(
        Effect.option
      )
      return answer._tag === "Some" && isTaskBody(answer.value.body) ? answer.value.body.task : undefined
    }),
    (task): task is TaskBody["task"] =>
      task !== undefined && TaskState.terminalStates.some((state) => state === task.state),
    { what: `task ${taskId} to finish`, timeout: "4 minutes", every: "250 millis" }
  )
