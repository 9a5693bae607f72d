/** The error cases of the callback headers, which every task-creating request takes: rows of `errorCases.ts`. */
import { ErrorCode } from "@enamel/domain"
import type { ErrorCase } from "./errorCases.js"
import { tokens } from "./harness.js"

const server = { name: "web", image: "tiny", flavor: "m1.tiny", networks: [{ network: "private" }] }
const request = { method: "POST", path: "/servers", token: tokens.alice, body: server } as const
const withSecret = (url: string, secret = "s3cret") => ({
  "enamel-callback-url": url,
  "enamel-callback-secret": secret
})

export const callbackErrorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "a callback URL without its secret",
    ...request,
    headers: { "enamel-callback-url": "https://hooks.example.com/enamel" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "Enamel-Callback-URL needs Enamel-Callback-Secret"
  },
  {
    name: "a callback secret without its URL",
    ...request,
    headers: { "enamel-callback-secret": "s3cret" },
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "Enamel-Callback-Secret needs Enamel-Callback-URL"
  },
  {
    name: "callback events other than stages",
    ...request,
    headers: { ...withSecret("https://hooks.example.com/enamel"), "enamel-callback-events": "all" },
    status: 400,
    code: ErrorCode.requestInvalid,
    mentions: "enamel-callback-events"
  },
  {
    name: "a callback secret too long (the answer does not repeat it)",
    ...request,
    headers: withSecret("https://hooks.example.com/enamel", "k".repeat(1025)),
    status: 400,
    code: ErrorCode.requestInvalid,
    detail: "enamel-callback-secret: must be at most 1024 characters long, not 1025"
  },
  {
    name: "a link-local callback URL (cloud metadata)",
    ...request,
    headers: withSecret("http://169.254.169.254/latest/meta-data/"),
    status: 400,
    code: ErrorCode.callbackUrlNotAllowed,
    detail:
      "Enamel-Callback-URL is refused: 169.254.169.254 is a link-local address (not in ENAMEL_CALLBACK_ALLOW)"
  },
  {
    name: "a loopback callback URL, written as an integer",
    ...request,
    headers: withSecret("http://2130706433:8080/"),
    status: 400,
    code: ErrorCode.callbackUrlNotAllowed,
    detail: "Enamel-Callback-URL is refused: 127.0.0.1 is a loopback address (not in ENAMEL_CALLBACK_ALLOW)"
  },
  {
    name: "a private address written as IPv4-mapped IPv6",
    ...request,
    headers: withSecret("http://[::ffff:10.0.0.1]/"),
    status: 400,
    code: ErrorCode.callbackUrlNotAllowed,
    detail: "Enamel-Callback-URL is refused: ::ffff:a00:1 is a private address (not in ENAMEL_CALLBACK_ALLOW)"
  },
  {
    name: "a callback URL that is not http(s)",
    ...request,
    headers: withSecret("file:///etc/passwd"),
    status: 400,
    code: ErrorCode.callbackUrlNotAllowed,
    detail: "Enamel-Callback-URL must be http or https, not file"
  }
]
