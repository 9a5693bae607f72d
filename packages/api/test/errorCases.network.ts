/**
 * The error cases of `DELETE /networks/{id}` and `GET /networks/{id}`, rows of the table in
 * `errorCases.ts`, and the networks they refer to, made once in the cloud double.
 */
import { ErrorCode } from "@enamel/domain"
import { Neutron, Session } from "@enamel/openstack-clients"
import { CloudDouble } from "@enamel/openstack-clients/testing"
import { Effect } from "effect"
import type { ErrorCase } from "./errorCases.js"
import { TestCallers, tokens } from "./harness.js"

const nobody = "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11"

/**
 * A network of alice's with a port of hers on it, one with none (to delete), one of bob's, and the
 * external network `public`.
 */
export interface NetworkFixtures {
  readonly aliceInUse: { readonly network: string; readonly port: string }
  readonly aliceUnused: string
  readonly bobNetwork: string
  readonly publicNetwork: string
}

export const networkFixtures = Effect.gen(function* () {
  const cloud = yield* CloudDouble.CloudDouble
  const alice = (yield* TestCallers).alice.session
  const neutron = yield* Neutron
  const inUse = yield* cloud.addNetwork({ project: "alpha", name: "in-use", cidr: "10.0.19.0/24" })
  const port = yield* neutron
    .createPort({ networkId: inUse.networkId, name: "users-port" })
    .pipe(Effect.provideService(Session, alice), Effect.orDie)
  const unused = yield* cloud.addNetwork({ project: "alpha", name: "unused", cidr: "10.0.21.0/24" })
  const bob = yield* cloud.addNetwork({ project: "beta", name: "bobs", cidr: "10.0.20.0/24" })
  const external = yield* neutron
    .findNetwork("public")
    .pipe(Effect.provideService(Session, alice), Effect.orDie)
  const fixtures: NetworkFixtures = {
    aliceInUse: { network: inUse.networkId, port: port.id },
    aliceUnused: unused.networkId,
    bobNetwork: bob.networkId,
    publicNetwork: external.id
  }
  return fixtures
})

export const networkErrorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "deleting a network that does not exist",
    method: "DELETE",
    path: `/networks/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.networkNotFound,
    detail: `network ${nobody} not found`
  },
  {
    name: "deleting another project's network",
    method: "DELETE",
    path: ({ networks }) => `/networks/${networks.bobNetwork}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.networkNotFound,
    detail: ({ networks }) => `network ${networks.bobNetwork} not found`
  },
  {
    name: "deleting a network whose id is no UUID",
    method: "DELETE",
    path: "/networks/private",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'id: must be a UUID, not "private"'
  },
  {
    name: "deleting the external network",
    method: "DELETE",
    path: ({ networks }) => `/networks/${networks.publicNetwork}`,
    token: tokens.alice,
    status: 409,
    code: ErrorCode.networkNotDeletable,
    detail: ({ networks }) =>
      `network ${networks.publicNetwork} is an external network; Enamel deletes only the project's own networks`
  },
  {
    name: "deleting a network a port still uses (names the port; nothing deleted)",
    method: "DELETE",
    path: ({ networks }) => `/networks/${networks.aliceInUse.network}`,
    token: tokens.alice,
    status: 409,
    code: ErrorCode.networkInUse,
    detail: ({ networks }) =>
      `network ${networks.aliceInUse.network} is still used by ports ${networks.aliceInUse.port} ` +
      "(no device owner, no device); remove them first (delete the servers, or the ports); nothing was deleted"
  },
  {
    name: "showing a network that does not exist",
    method: "GET",
    path: `/networks/${nobody}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.networkNotFound,
    detail: `network ${nobody} not found`
  },
  {
    name: "showing another project's network",
    method: "GET",
    path: ({ networks }) => `/networks/${networks.bobNetwork}`,
    token: tokens.alice,
    status: 404,
    code: ErrorCode.networkNotFound,
    detail: ({ networks }) => `network ${networks.bobNetwork} not found`
  },
  {
    name: "showing a network whose id is no UUID",
    method: "GET",
    path: "/networks/private",
    token: tokens.alice,
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: 'id: must be a UUID, not "private"'
  }
]
