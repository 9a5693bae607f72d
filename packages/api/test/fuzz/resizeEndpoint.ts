/**
 * `POST /servers/{id}/resize`: the caller's own ACTIVE server on m1.tiny (202 to m1.small, by name; the
 * flavor by id is in the checklist's tests; 409 naming m1.tiny, its own flavor), another project's or an unknown one (404), no UUID (400); a
 * flavor that does not exist (404 naming it); bodies wrong in one field (400, naming it), of any JSON, or
 * not JSON. No worker runs here, so the server stays on m1.tiny.
 */
import fc from "fast-check"
import {
  type Body,
  bad,
  type KnownAttachments,
  nameOrId,
  ok,
  sent,
  serverPart,
  stray,
  wrongInt
} from "./attachEndpoints.js"
import { fault, idempotencyKey, percentEncode, user, withHeaders } from "./cases.js"
import { contentType } from "./serverEndpoints.js"

/** `{flavor, priority?}`. */
const resizeBody: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record(
        { flavor: fc.constant("m1.small"), priority: fc.integer({ min: 0, max: 9 }) },
        { requiredKeys: ["flavor"] }
      )
      .map(ok)
  },
  fc.constant({ value: { flavor: "m1.tiny" }, faults: [fault("semantic", 409, "m1.tiny")] }),
  nameOrId
    .filter((name) => !name.startsWith("m1."))
    .map((flavor) => ({ value: { flavor }, faults: [fault("semantic", 404, "flavor")] })),
  fc.constant(bad({}, "flavor")),
  fc.constantFrom("", " m1.small", 3, null, "x".repeat(256)).map((flavor) => bad({ flavor }, "flavor")),
  wrongInt(0, 9).map((priority) => bad({ flavor: "m1.small", priority }, "priority")),
  stray.map((field) => bad({ flavor: "m1.small", [field]: 1 }, field))
)

/** POST /servers/{id}/resize. */
export const resize = (known: KnownAttachments) =>
  user.chain((u) =>
    fc
      .tuple(serverPart(known, u), sent(resizeBody, ["flavor"]), idempotencyKey)
      .chain(([server, body, key]) =>
        contentType(body.body).chain((type) =>
          withHeaders(u, {
            method: "POST",
            path: `/servers/${percentEncode(server.id)}/resize`,
            body: body.body,
            authenticated: true,
            ok: 202,
            headers: {
              ...type.headers,
              ...(key.value === undefined ? {} : { "idempotency-key": key.value })
            },
            faults: [...server.faults, ...body.faults, ...type.faults, ...key.faults]
          })
        )
      )
  )
