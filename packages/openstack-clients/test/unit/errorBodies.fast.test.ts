import { describe, expect, it } from "@effect/vitest"
import { parseErrorBody } from "../../src/http/errorBody.js"
import { errorFromReply } from "../../src/http/statusErrors.js"

const replyOf = (status: number, body: string, requestId = "req-0b8ac1d4-70b9-4c77-9d7e-0a3b0f5d2a11") => ({
  status,
  headers: { "content-type": "application/json", "x-openstack-request-id": requestId },
  body
})

/** Error bodies as each service sends them (from a Zed cloud), and what a user sees for them. */
const cases = [
  {
    service: "nova",
    status: 404,
    body: '{"itemNotFound": {"code": 404, "message": "Instance nope could not be found."}}',
    tag: "OpenStackNotFound",
    message: "Instance nope could not be found."
  },
  {
    service: "nova",
    status: 403,
    body: '{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 0 of 0 instances"}}',
    tag: "OpenStackOverQuota",
    message: "Quota exceeded for instances: Requested 1, but already used 0 of 0 instances"
  },
  {
    service: "nova",
    status: 403,
    body: '{"forbidden": {"code": 403, "message": "Policy doesn\'t allow os_compute_api:os-flavor-manage:create to be performed."}}',
    tag: "OpenStackForbidden",
    message: "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."
  },
  {
    service: "nova",
    status: 409,
    body: '{"conflictingRequest": {"code": 409, "message": "Key pair \'k\' already exists."}}',
    tag: "OpenStackConflict",
    message: "Key pair 'k' already exists."
  },
  {
    service: "nova",
    status: 400,
    body: '{"badRequest": {"code": 400, "message": "Invalid flavorRef provided."}}',
    tag: "OpenStackBadRequest",
    message: "Invalid flavorRef provided."
  },
  {
    service: "cinder",
    status: 413,
    body: '{"overLimit": {"code": 413, "message": "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota \'volumes\'.", "retryAfter": "0"}}',
    tag: "OpenStackOverQuota",
    message: "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'."
  },
  {
    service: "cinder",
    status: 404,
    body: '{"itemNotFound": {"code": 404, "message": "Volume nope could not be found."}}',
    tag: "OpenStackNotFound",
    message: "Volume nope could not be found."
  },
  {
    service: "neutron",
    status: 409,
    body: '{"NeutronError": {"type": "OverQuota", "message": "Quota exceeded for resources: [\'port\'].", "detail": ""}}',
    tag: "OpenStackOverQuota",
    message: "Quota exceeded for resources: ['port']."
  },
  {
    service: "neutron",
    status: 409,
    body: '{"NeutronError": {"type": "IpAddressAlreadyAllocated", "message": "IP address 10.0.1.50 already allocated in subnet s", "detail": ""}}',
    tag: "OpenStackConflict",
    message: "IP address 10.0.1.50 already allocated in subnet s"
  },
  {
    service: "neutron",
    status: 404,
    body: '{"NeutronError": {"type": "PortNotFound", "message": "Port nope could not be found.", "detail": ""}}',
    tag: "OpenStackNotFound",
    message: "Port nope could not be found."
  },
  {
    service: "keystone",
    status: 401,
    body: '{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}',
    tag: "OpenStackUnauthorized",
    message: "The request you have made requires authentication."
  },
  {
    service: "keystone",
    status: 404,
    body: '{"error":{"code":404,"message":"Could not find token: tok.","title":"Not Found"}}',
    tag: "OpenStackNotFound",
    message: "Could not find token: tok."
  },
  {
    service: "barbican",
    status: 404,
    body: '{"code": 404, "title": "Not Found", "description": "Not Found. Provided secret id is invalid."}',
    tag: "OpenStackNotFound",
    message: "Not Found. Provided secret id is invalid."
  },
  {
    service: "glance",
    status: 404,
    body: "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID nope<br /><br />\n\n\n\n </body>\n</html>",
    tag: "OpenStackNotFound",
    message: "No image found with ID nope"
  },
  {
    service: "glance",
    status: 404,
    body: '{"message": "No image found with ID nope<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}',
    tag: "OpenStackNotFound",
    message: "No image found with ID nope"
  },
  {
    service: "nova",
    status: 503,
    body: "<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>",
    tag: "OpenStackServiceUnavailable",
    message: "No server is available to handle this request."
  },
  {
    service: "neutron",
    status: 500,
    body: "",
    tag: "OpenStackServiceUnavailable",
    message: "HTTP 500"
  }
] as const

describe("error bodies", () => {
  for (const c of cases) {
    it(`${c.service} ${c.status} ${c.tag}: ${c.message.slice(0, 40)}`, () => {
      const error = errorFromReply(c.service, replyOf(c.status, c.body))
      expect(error._tag).toBe(c.tag)
      expect(error.message).toBe(c.message)
      expect(error.service).toBe(c.service)
      expect(error.status).toBe(c.status)
      expect(error.requestId).toBe("req-0b8ac1d4-70b9-4c77-9d7e-0a3b0f5d2a11")
    })
  }

  it("takes Nova's X-Compute-Request-Id when there is no X-OpenStack-Request-ID", () => {
    const error = errorFromReply("nova", {
      status: 404,
      headers: { "x-compute-request-id": "req-compute" },
      body: '{"itemNotFound": {"code": 404, "message": "gone"}}'
    })
    expect(error.requestId).toBe("req-compute")
  })

  it("keeps the service's error kind", () => {
    expect(parseErrorBody(409, cases[7].body)).toEqual({
      message: "Quota exceeded for resources: ['port'].",
      kind: "OverQuota"
    })
    expect(parseErrorBody(404, cases[0].body).kind).toBe("itemNotFound")
    expect(parseErrorBody(404, cases[12].body).kind).toBe("Not Found")
  })

  it("reads a plain-text body and an unexpected status", () => {
    const error = errorFromReply("placement", { status: 405, headers: {}, body: "Method Not Allowed" })
    expect(error._tag).toBe("OpenStackUnexpectedResponse")
    expect(error.message).toBe("Method Not Allowed")
    expect(error.requestId).toBeUndefined()
  })
})
