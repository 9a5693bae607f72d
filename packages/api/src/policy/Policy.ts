import { readFile as readText } from "node:fs/promises"
import { ErrorCode } from "@enamel/domain"
import { type Caller, Forbidden } from "@enamel/domain/contract"
import { Config, Data, Effect, Either, Option } from "effect"
import { endpointRules, routeKey } from "./endpoints.js"
import { allows, type CompiledPolicy, compile, readFile } from "./rules.js"

/** The policy cannot be loaded: the process refuses to start, saying why. */
export class PolicyError extends Data.TaggedError("PolicyError")<{ readonly message: string }> {}

/** ENAMEL_POLICY_FILE: a YAML file of rule name → expression, overriding the defaults. */
export const PolicyFile = Config.option(Config.string("ENAMEL_POLICY_FILE"))

const listed = (problems: ReadonlyArray<string>) => problems.map((p) => `\n  - ${p}`).join("")

/** The compiled policy from the file (if any): every mistake in the file is a PolicyError. */
export const load = (file: Option.Option<string>): Effect.Effect<CompiledPolicy, PolicyError> =>
  Effect.gen(function* () {
    const overrides = yield* Option.match(file, {
      onNone: () => Effect.succeed(new Map<string, string>()),
      onSome: (path) =>
        Effect.tryPromise({
          try: () => readText(path, "utf8"),
          catch: (e) =>
            new PolicyError({
              message: `ENAMEL_POLICY_FILE ${path} cannot be read: ${e instanceof Error ? e.message : String(e)}`
            })
        }).pipe(
          Effect.flatMap((text) =>
            Either.match(readFile(text), {
              onLeft: (problems) =>
                Effect.fail(new PolicyError({ message: `ENAMEL_POLICY_FILE ${path}:${listed(problems)}` })),
              onRight: Effect.succeed
            })
          )
        )
    })
    return yield* Either.match(compile(overrides), {
      onLeft: (problems) =>
        Effect.fail(
          new PolicyError({
            message: `${Option.match(file, {
              onNone: () => "the default policy",
              onSome: (path) => `ENAMEL_POLICY_FILE ${path}`
            })} is not a policy Enamel can enforce:${listed(problems)}`
          })
        ),
      onRight: Effect.succeed
    })
  })

/** What a caller refused by a rule is answered: 403 naming the rule, as Nova names its own. */
export const refusal = (policy: CompiledPolicy, rule: string, caller: Caller): Forbidden =>
  new Forbidden({
    code: ErrorCode.policyForbidden,
    detail:
      `Policy does not allow ${rule} to be performed (${rule}: ${JSON.stringify(policy.written.get(rule) ?? "!")}; ` +
      `the token's roles: ${caller.roles.length === 0 ? "none" : caller.roles.join(", ")})`
  })

/**
 * The policy in force (the defaults, or ENAMEL_POLICY_FILE's overrides), and which rule guards each
 * authenticated route. The Authentication middleware enforces the route's rule on every request; a
 * handler asks `allows` for what depends on the request (another project's tasks).
 */
export class Policy extends Effect.Service<Policy>()("@enamel/api/Policy", {
  effect: Effect.gen(function* () {
    const file = yield* PolicyFile.pipe(
      Effect.mapError((e) => new PolicyError({ message: `ENAMEL_POLICY_FILE: ${e}` }))
    )
    const policy = yield* load(file)
    const routes = endpointRules()
    if (routes.unnamed.length > 0) {
      return yield* new PolicyError({
        message: `endpoints behind authentication name no policy rule:${listed(routes.unnamed)}`
      })
    }
    if (Option.isSome(file)) yield* Effect.logInfo(`policy: ENAMEL_POLICY_FILE ${file.value} loaded`)

    /** Whether the caller passes the rule. */
    const permits = (rule: string, caller: Caller): boolean => allows(policy, rule, caller.roles)

    /** Fails with 403 `policy.forbidden` naming the rule unless the caller passes it. */
    const enforce = (rule: string, caller: Caller): Effect.Effect<void, Forbidden> =>
      permits(rule, caller) ? Effect.void : Effect.fail(refusal(policy, rule, caller))

    /** The route's rule enforced; a route with none (not authenticated) is refused to everyone. */
    const enforceRoute = (method: string, path: string, caller: Caller): Effect.Effect<void, Forbidden> =>
      enforce(routes.byRoute.get(routeKey(method, path)) ?? `${routeKey(method, path)} (no rule)`, caller)

    return { permits, enforce, enforceRoute } as const
  })
}) {}
