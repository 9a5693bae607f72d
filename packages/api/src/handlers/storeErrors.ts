import { ErrorCode } from "@enamel/domain"
import { BadRequest, Conflict, NotFound, ServiceUnavailable } from "@enamel/domain/contract"

/** The store could not answer: the client may try again shortly. */
export const unavailable = () =>
  new ServiceUnavailable({
    code: ErrorCode.serviceUnavailable,
    detail: "the task store is unavailable; try again shortly"
  })

interface Coded {
  readonly code: string
  readonly message: string
}

export const notFound = (e: Coded) => new NotFound({ code: e.code, detail: e.message })
export const conflict = (e: Coded) => new Conflict({ code: e.code, detail: e.message })
export const badRequest = (e: Coded) => new BadRequest({ code: e.code, detail: e.message })
