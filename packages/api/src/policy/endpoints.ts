/**
 * Which rule guards which route: every endpoint behind the Authentication middleware names its rule
 * (`PolicyRule`, on the endpoint or its group); read from the contract once. An authenticated endpoint
 * without a rule is a bug of the contract, found when the API starts (and by the policy's fast test).
 */
import { HttpApi } from "@effect/platform"
import { Authentication, EnamelApi, Policy } from "@enamel/domain/contract"
import { Context, Option } from "effect"

/** `METHOD path` as the router matches it (`POST /tasks/:id/cancel`). */
export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`

export interface EndpointRules {
  /** The rule of each authenticated route. */
  readonly byRoute: ReadonlyMap<string, string>
  /** Authenticated endpoints that name no rule (`group.endpoint`). */
  readonly unnamed: ReadonlyArray<string>
}

export const endpointRules = (): EndpointRules => {
  const byRoute = new Map<string, string>()
  const unnamed: Array<string> = []
  HttpApi.reflect(EnamelApi, {
    onGroup: () => {},
    onEndpoint: ({ group, endpoint, mergedAnnotations, middleware }) => {
      if (![...middleware].some((tag) => tag.key === Authentication.key)) return
      Option.match(Context.getOption(mergedAnnotations, Policy.PolicyRule), {
        onNone: () => unnamed.push(`${group.identifier}.${endpoint.name}`),
        onSome: (rule) => byRoute.set(routeKey(endpoint.method, endpoint.path), rule)
      })
    }
  })
  return { byRoute, unnamed }
}
