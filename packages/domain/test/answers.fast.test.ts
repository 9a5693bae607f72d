/**
 * An error answer as the contract declares it: OpenStack's error document on the wire (what
 * `/openapi.json` shows), the error class in code (what handlers fail with and clients get back).
 */
import { describe, expect, it } from "@effect/vitest"
import { ErrorCode } from "@enamel/domain"
import { Answers, currentRequestId, documentOf, NotFound, ServiceUnavailable } from "@enamel/domain/contract"
import { Effect, Either, Schema } from "effect"

const taskNotFound = Answers.notFound(ErrorCode.taskNotFound)
const wire = {
  errors: [
    {
      status: 404,
      code: ErrorCode.taskNotFound,
      title: "Not Found",
      detail: "task t not found",
      request_id: "req-1"
    }
  ]
}

describe("error answers", () => {
  it("decode the wire's document into the error class", () => {
    const decoded = Schema.decodeUnknownSync(taskNotFound)(wire)
    expect(decoded).toBeInstanceOf(NotFound)
    expect(decoded).toMatchObject({ code: ErrorCode.taskNotFound, detail: "task t not found" })
  })

  it("refuse a document of another code, status or shape", () => {
    const decode = Schema.decodeUnknownEither(taskNotFound)
    const [error] = wire.errors
    expect(Either.isLeft(decode({ errors: [{ ...error, code: ErrorCode.serverNotFound }] }))).toBe(true)
    expect(Either.isLeft(decode({ errors: [{ ...error, status: 400 }] }))).toBe(true)
    expect(Either.isLeft(decode({ _tag: "NotFound", code: ErrorCode.taskNotFound, detail: "x" }))).toBe(true)
  })

  it.effect("encode an error as the API renders it (`documentOf`, with the request's id)", () =>
    Effect.gen(function* () {
      const error = new NotFound({ code: ErrorCode.taskNotFound, detail: "task t not found" })
      const encoded = yield* Schema.encode(taskNotFound)(error).pipe(
        Effect.locally(currentRequestId, "req-1")
      )
      expect(encoded).toEqual(wire)
      expect(encoded).toEqual(documentOf(error, "req-1"))
      const other = new NotFound({ code: ErrorCode.serverNotFound, detail: "server s not found" })
      expect(Either.isLeft(yield* Effect.either(Schema.encode(taskNotFound)(other)))).toBe(true)
    })
  )

  it("are one schema per code, whichever declaration asks for it", () => {
    const twice = Answers.serviceUnavailable(ErrorCode.serviceUnavailable, ErrorCode.keyUnavailable)
    const again = Answers.serviceUnavailable(ErrorCode.serviceUnavailable)
    expect(twice.ast._tag).toBe("Union")
    if (twice.ast._tag === "Union") expect(twice.ast.types).toContain(again.ast)
    expect(
      Schema.decodeUnknownSync(again)({
        errors: [
          { ...wire.errors[0], status: 503, title: "Service Unavailable", code: ErrorCode.serviceUnavailable }
        ]
      })
    ).toBeInstanceOf(ServiceUnavailable)
  })

  it("cannot be declared at a status the catalogue does not give the code", () => {
    expect(() => Answers.notFound(ErrorCode.requestInvalid)).toThrow(
      `does not say that ${ErrorCode.requestInvalid} is answered with 404`
    )
  })
})
