/**
 * What the hosts suite and the soak share: the deployment on a throw-away database, and alice, whose
 * keys (made by the APIs) are deleted at the end; built once per file, and removed (processes, hosts,
 * queues, database) after it.
 */
import { OpenStackClients, type SessionShape } from "@enamel/openstack-clients"
import { Context, Effect, Layer } from "effect"
import { sessionFor } from "../../packages/openstack-clients/test/support/cloud.js"
import { deleteUserKeysAtEnd, ServiceUser, TestDatabase } from "../e2e/enamel.js"
import { type Deployment, deployment } from "./deployment.js"

export class Hosts extends Context.Tag("test/hosts/Hosts")<
  Hosts,
  { readonly deployment: Deployment; readonly alice: SessionShape }
>() {}

export const HostsLive = Layer.scoped(
  Hosts,
  Effect.gen(function* () {
    const alice = yield* sessionFor("alice")
    yield* deleteUserKeysAtEnd(alice)
    return { deployment: yield* deployment(), alice }
  })
).pipe(
  Layer.provideMerge(ServiceUser),
  Layer.provideMerge(OpenStackClients.layer),
  Layer.provideMerge(TestDatabase.layer)
)
