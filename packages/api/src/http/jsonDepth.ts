import type { HttpServerRequest } from "@effect/platform"
import { ErrorCode } from "@enamel/domain"
import { Answers, BadRequest } from "@enamel/domain/contract"
import { Effect } from "effect"
import { readGently } from "./gentleRead.js"

/**
 * How deeply a JSON body may nest. Enamel's requests nest four levels; the fuzzer found that a body
 * nested thousands deep, once refused by the schema, overflowed the stack of the error formatter (a 500).
 */
export const maxJsonDepth = 32

/** The deepest nesting of arrays and objects in JSON text, outside strings; one linear pass. */
export const jsonDepth = (text: string): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      if (char === "\\") i++
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (char === "[" || char === "{") deepest = Math.max(deepest, ++depth)
    else if (char === "]" || char === "}") depth--
  }
  return deepest
}

/** Refuses a body nested deeper than maxJsonDepth (400, naming the body) before anything decodes it. */
export const refuseDeepBody = (request: HttpServerRequest.HttpServerRequest) =>
  !Answers.mayCarryBody(request.method)
    ? Effect.void
    : Effect.flatMap(readGently(request, request.text), (text) =>
        jsonDepth(text) > maxJsonDepth
          ? Effect.fail(
              new BadRequest({
                code: ErrorCode.requestTooDeep,
                detail: `body: nested deeper than ${maxJsonDepth} levels`
              })
            )
          : Effect.void
      )
