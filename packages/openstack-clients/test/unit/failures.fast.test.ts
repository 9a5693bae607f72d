import { describe, expect, it } from "@effect/vitest"
import {
  OpenStackBadRequest,
  OpenStackConflict,
  OpenStackEndpointNotFound,
  type OpenStackError,
  OpenStackFailures,
  OpenStackForbidden,
  OpenStackNotFound,
  OpenStackOverQuota,
  OpenStackResourceFailed,
  OpenStackServiceUnavailable,
  OpenStackTimeout,
  OpenStackUnauthorized,
  OpenStackUnexpectedResponse
} from "@enamel/openstack-clients"

const fields = { service: "nova", message: "the cloud's words" }

type Traits = readonly ["outage" | "", "transient" | "", "ambiguous" | "", "lasting" | "", "refused" | ""]

/** Every kind of OpenStack failure, and what it means for the caller. */
const cases: ReadonlyArray<readonly [string, OpenStackError, Traits]> = [
  [
    "5xx, 429, unreachable",
    new OpenStackServiceUnavailable(fields),
    ["outage", "transient", "ambiguous", "", ""]
  ],
  ["no answer in time", new OpenStackTimeout(fields), ["outage", "transient", "ambiguous", "", ""]],
  [
    "409 that passes",
    new OpenStackConflict({ ...fields, kind: "conflictingRequest" }),
    ["", "transient", "", "", ""]
  ],
  ["409 without a kind", new OpenStackConflict(fields), ["", "transient", "", "", ""]],
  [
    "subnet with no address left",
    new OpenStackConflict({ ...fields, service: "neutron", kind: "IpAddressGenerationFailure" }),
    ["", "", "", "lasting", ""]
  ],
  ["401", new OpenStackUnauthorized(fields), ["", "", "", "", "refused"]],
  ["403", new OpenStackForbidden(fields), ["", "", "", "", "refused"]],
  ["404", new OpenStackNotFound(fields), ["", "", "", "", ""]],
  ["over quota", new OpenStackOverQuota(fields), ["", "", "", "", ""]],
  ["400", new OpenStackBadRequest(fields), ["", "", "", "", ""]],
  [
    "resource in ERROR",
    new OpenStackResourceFailed({ ...fields, resource: "server", resourceId: "s", resourceStatus: "ERROR" }),
    ["", "", "", "", ""]
  ],
  [
    "no endpoint",
    new OpenStackEndpointNotFound({ ...fields, serviceType: "compute", interface: "public" }),
    ["", "", "", "", ""]
  ],
  ["unreadable answer", new OpenStackUnexpectedResponse(fields), ["", "", "", "", ""]]
]

describe("OpenStack failures", () => {
  for (const [name, error, [outage, transient, ambiguous, lasting, refused]] of cases) {
    it(`${error._tag}, ${name}`, () => {
      expect(OpenStackFailures.isOpenStackError(error)).toBe(true)
      expect(OpenStackFailures.classify(error)).toEqual({
        outage: outage !== "",
        transient: transient !== "",
        ambiguous: ambiguous !== "",
        lastingConflict: lasting !== "",
        refusesCaller: refused !== ""
      })
      expect(OpenStackFailures.isOutage(error)).toBe(outage !== "")
      expect(OpenStackFailures.isTransient(error)).toBe(transient !== "")
      expect(OpenStackFailures.isAmbiguous(error)).toBe(ambiguous !== "")
      expect(OpenStackFailures.isLastingConflict(error)).toBe(lasting !== "")
      expect(OpenStackFailures.refusesCaller(error)).toBe(refused !== "")
    })
  }

  it("decides by class, not by a tag string: a look-alike is no OpenStack error", () => {
    const lookAlike = { _tag: "OpenStackServiceUnavailable", ...fields }
    for (const u of [lookAlike, new Error("down"), "OpenStackTimeout", undefined, null]) {
      expect(OpenStackFailures.isOpenStackError(u)).toBe(false)
      expect(OpenStackFailures.isTransient(u)).toBe(false)
      expect(OpenStackFailures.isAmbiguous(u)).toBe(false)
      expect(OpenStackFailures.refusesCaller(u)).toBe(false)
    }
  })
})
