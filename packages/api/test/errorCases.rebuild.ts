/** The error cases of `POST /servers/{id}/rebuild`, rows of the table in `errorCases.ts`. */
import { ErrorCode } from "@enamel/domain"
import type { ErrorCase } from "./errorCases.js"
import { tokens } from "./harness.js"

const nobody = "0b0e7d7e-8c55-4a4a-9d1f-9d8a1f8a7c11"

export const rebuildErrorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "rebuilding another project's server",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/rebuild`,
    token: tokens.alice,
    body: { image: "tiny" },
    status: 404,
    code: ErrorCode.serverNotFound,
    detail: ({ bobServer }) => `server ${bobServer} not found`
  },
  {
    name: "rebuilding a server booted from its image, not from a volume",
    method: "POST",
    path: ({ bobServer }) => `/servers/${bobServer}/rebuild`,
    token: tokens.bob,
    body: { image: "tiny" },
    status: 409,
    code: ErrorCode.serverNotVolumeBacked,
    detail: ({ bobServer }) =>
      `server ${bobServer} does not boot from a volume; only volume-backed servers are rebuilt`
  },
  {
    name: "rebuilding without an image",
    method: "POST",
    path: `/servers/${nobody}/rebuild`,
    token: tokens.alice,
    body: {},
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "image"
  },
  {
    name: "rebuilding with a field the API does not have",
    method: "POST",
    path: `/servers/${nobody}/rebuild`,
    token: tokens.alice,
    body: { image: "tiny", flavor: "m1.small" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "flavor"
  }
]
