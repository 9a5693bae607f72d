/**
 * How the API reads what a client sends. The platform turns a decode failure into a list of
 * `{path, message}` before the API sees it, so the words are chosen here, on the schema, where the
 * failure is still a tree (`issues.ts`): a `decodingFallback` annotation replaces the tree by one problem
 * per path, each in words a person would write.
 */
import { Array as Arr, Either, ParseResult, type Schema, SchemaAST } from "effect"
import { problems, type Source } from "./issues.js"

/** The failure as one flat list of problems, which the platform's formatter passes on word for word. */
const reworded =
  (source: Source) =>
  (issue: ParseResult.ParseIssue): Either.Either<never, ParseResult.ParseIssue> => {
    const [first, ...rest] = problems(issue, source).map(({ path, message }) => {
      const words = new ParseResult.Type(SchemaAST.unknownKeyword, issue.actual, message)
      return Arr.isNonEmptyReadonlyArray(path) ? new ParseResult.Pointer(path, issue.actual, words) : words
    })
    return Either.left(
      first === undefined
        ? issue
        : new ParseResult.Composite(SchemaAST.unknownKeyword, issue.actual, [first, ...rest])
    )
  }

/**
 * A request body: a field it does not know is refused, naming it (as Nova refuses unknown properties),
 * at any depth; every problem is reported, not only the first.
 */
export const body = <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
  schema.annotations({
    parseOptions: { onExcessProperty: "error", errors: "all" },
    decodingFallback: reworded("body")
  })

/** Query parameters (unknown ones are ignored, as OpenStack's APIs do). */
export const query = <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
  schema.annotations({ parseOptions: { errors: "all" }, decodingFallback: reworded("query") })

/**
 * A porcelain command's query parameters: read as strictly as a body, since a command changes things and a
 * misspelt flag must not be ignored (`?delete_backup=true` is refused, naming it); every problem is
 * reported. Reads (`GET /tasks`) keep OpenStack's habit of ignoring unknown ones (`query`).
 */
export const commandQuery = <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
  schema.annotations({
    parseOptions: { onExcessProperty: "error", errors: "all" },
    decodingFallback: reworded("query")
  })

/** Request headers (all of a request's arrive: the others are not the schema's business). */
export const header = <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
  schema.annotations({ decodingFallback: reworded("headers") })

/** A path parameter. */
export const pathParam = <S extends Schema.Annotable.All>(schema: S): Schema.Annotable.Self<S> =>
  schema.annotations({ decodingFallback: reworded("path") })

/** Whether an input schema refuses unknown fields (every body must: the registry's test checks). */
export const refusesUnknownFields = (schema: Schema.Schema.All): boolean => {
  const options = SchemaAST.getParseOptionsAnnotation(schema.ast)
  return options._tag === "Some" && options.value.onExcessProperty === "error"
}
