/**
 * `@enamel/openstack-clients/testing`: what tests use to run the clients without a cloud. The cloud double
 * (an in-memory OpenStack behind the transport), its fault injection, and the plain stub transport.
 */

export * as HttpTransportStub from "../http/HttpTransportStub.js"
export * as CloudDouble from "./CloudDouble.js"
export * as Fault from "./faults.js"
export type { CloudCall, ServiceName } from "./http.js"
export type { NetworkSpec, SeededUser } from "./seed.js"
export type {
  CloudSnapshot,
  FloatingIpSnapshot,
  KeypairSnapshot,
  NetworkSnapshot,
  PortSnapshot,
  ProjectSnapshot,
  RouterSnapshot,
  ServerSnapshot,
  SnapshotRecord,
  VolumeSnapshot
} from "./snapshot.js"
export { emptyProject } from "./snapshot.js"
export { defaultSteps, devCloudQuota, type Quota, type Steps } from "./state.js"
