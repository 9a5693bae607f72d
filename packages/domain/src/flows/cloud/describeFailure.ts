import { type OpenStackError, OpenStackFailures } from "@enamel/openstack-clients"
import { ErrorCode } from "../../ErrorCatalogue.js"
import type { DescribeError } from "../../engine/flow/Stage.js"

/** The catalogue's code for each kind of OpenStack failure (exhaustive: a new error class needs one). */
export const openStackCode = (error: OpenStackError): ErrorCode => {
  switch (error._tag) {
    case "OpenStackNotFound":
      return ErrorCode.openstackNotFound
    case "OpenStackConflict":
      return ErrorCode.openstackConflict
    case "OpenStackOverQuota":
      return ErrorCode.openstackOverQuota
    case "OpenStackUnauthorized":
      return ErrorCode.openstackUnauthorized
    case "OpenStackForbidden":
      return ErrorCode.openstackForbidden
    case "OpenStackBadRequest":
      return ErrorCode.openstackBadRequest
    case "OpenStackServiceUnavailable":
      return ErrorCode.openstackServiceUnavailable
    case "OpenStackTimeout":
      return ErrorCode.openstackTimeout
    case "OpenStackResourceFailed":
      return ErrorCode.openstackResourceFailed
    case "OpenStackEndpointNotFound":
      return ErrorCode.openstackEndpointNotFound
    case "OpenStackUnexpectedResponse":
      return ErrorCode.openstackUnexpectedResponse
  }
}

/**
 * How a stage that called OpenStack describes its failure: the catalogue's `openstack.*` code and the
 * cloud's own words. Anything else is left to the error's own description (e.g. `UnresolvedRequest`).
 */
export const describeOpenStackFailure: DescribeError = (error) =>
  OpenStackFailures.isOpenStackError(error)
    ? { code: openStackCode(error), message: error.message }
    : undefined
