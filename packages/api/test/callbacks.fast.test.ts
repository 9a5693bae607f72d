/**
 * The callbacks' rules that need no server: which addresses a callback may reach (and what the operator's
 * ENAMEL_CALLBACK_ALLOW opens), the signature a receiver checks, the pauses between attempts, and one POST
 * to a local receiver, pinned to the address that was checked.
 */
import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either } from "effect"
import { callbackReceiver } from "../../../test/support/callbackReceiver.js"
import * as Addresses from "../src/callbacks/addresses.js"
import { pauseAfter } from "../src/callbacks/CallbackDispatcher.js"
import { post } from "../src/callbacks/post.js"
import { sign, verify } from "../src/callbacks/signature.js"

const none = Addresses.rules([])
const allowing = (...cidrs: ReadonlyArray<string>) =>
  Addresses.rules(cidrs.map((cidr) => Either.getOrThrow(Addresses.parseCidr(cidr))))

describe("callback addresses", () => {
  const refusedByDefault: ReadonlyArray<readonly [string, string]> = [
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fd12:3456::1", "private"],
    ["100.64.0.1", "shared (CGNAT)"],
    ["100.127.255.255", "shared (CGNAT)"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local"]
  ]
  it.each(refusedByDefault)("%s is refused (%s)", (address, why) => {
    expect(none.refusal(address)).toContain(why)
  })

  it.each([
    "8.8.8.8",
    "172.32.0.1",
    "100.128.0.1",
    "192.169.0.1",
    "2001:db8::1",
    "2606:4700::1111"
  ])("%s is allowed", (address) => {
    expect(none.refusal(address)).toBeUndefined()
  })

  it("ENAMEL_CALLBACK_ALLOW opens only the ranges it lists", () => {
    const rules = allowing("127.0.0.0/8", "fd00::/8", "10.20.30.40")
    expect(rules.refusal("127.0.0.1")).toBeUndefined()
    expect(rules.refusal("fd00::5")).toBeUndefined()
    expect(rules.refusal("10.20.30.40")).toBeUndefined()
    expect(rules.refusal("10.20.30.41")).toContain("private")
    expect(rules.refusal("169.254.169.254")).toContain("link-local")
    expect(rules.refusal("::1")).toContain("loopback")
  })

  it.effect("ENAMEL_CALLBACK_ALLOW is read as a comma list, and a bad entry stops the process", () =>
    Effect.gen(function* () {
      const read = (value: string) =>
        Effect.either(
          Effect.withConfigProvider(
            Addresses.Allowed,
            ConfigProvider.fromMap(new Map([["ENAMEL_CALLBACK_ALLOW", value]]))
          )
        )
      const read1 = yield* read(" 127.0.0.0/8 , ::1/128")
      expect(Either.isRight(read1) && read1.right.refusal("127.0.0.2")).toBeUndefined()
      expect(Either.isRight(read1) && read1.right.refusal("::1")).toBeUndefined()
      for (const bad of ["127.0.0.0/33", "localhost", "10.0.0.0/8/1", "10.0.0.0/"]) {
        expect(Either.isLeft(yield* read(bad))).toBe(true)
      }
      const unset = yield* Effect.withConfigProvider(Addresses.Allowed, ConfigProvider.fromMap(new Map()))
      expect(unset.refusal("127.0.0.1")).toContain("loopback")
    })
  )

  it("a URL is refused at accept when it is not http(s), carries credentials, or is a refused literal IP", () => {
    expect(Addresses.urlRefusal(none, "https://hooks.example.com/x")).toBeUndefined()
    // A name is checked at delivery, after DNS.
    expect(Addresses.urlRefusal(none, "http://localhost:9/x")).toBeUndefined()
    expect(Addresses.urlRefusal(none, "not a url")).toContain("not a URL")
    expect(Addresses.urlRefusal(none, "gopher://example.com/")).toContain("http or https")
    expect(Addresses.urlRefusal(none, "https://u:p@example.com/")).toContain("credentials")
    expect(Addresses.urlRefusal(none, "http://169.254.169.254/")).toContain("link-local")
    expect(Addresses.urlRefusal(none, "http://[fe80::1]/")).toContain("link-local")
    // Spellings the URL parser turns into the same address.
    expect(Addresses.urlRefusal(none, "http://0x7f.1/")).toContain("loopback")
    expect(Addresses.urlRefusal(none, "http://2130706433/")).toContain("loopback")
    expect(Addresses.urlRefusal(none, "http://[::ffff:169.254.169.254]/")).toContain("link-local")
    expect(Addresses.urlRefusal(allowing("127.0.0.0/8"), "http://127.0.0.1:8080/")).toBeUndefined()
  })
})

describe("callback signature", () => {
  it("is sha256= and the hex HMAC-SHA256 of the body's bytes under the secret", () => {
    const body = '{"event":"task.ended","task":{"id":"x","name":"café"}}'
    const expected = createHmac("sha256", "s3cret").update(Buffer.from(body, "utf8")).digest("hex")
    expect(sign("s3cret", body)).toBe(`sha256=${expected}`)
    // RFC 4231 test case 2.
    expect(sign("Jefe", "what do ya want for nothing?")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    expect(verify("s3cret", body, sign("s3cret", body))).toBe(true)
    expect(verify("s3cret", `${body} `, sign("s3cret", body))).toBe(false)
    expect(verify("other", body, sign("s3cret", body))).toBe(false)
    expect(verify("s3cret", body, "sha256=00")).toBe(false)
  })
})

describe("callback retries", () => {
  it.effect("pause longer after every failed attempt, and never more than an hour (with jitter)", () =>
    Effect.gen(function* () {
      const pauses = yield* Effect.forEach([1, 2, 3, 4, 5], (n) => pauseAfter("1 second", n))
      const millis = pauses.map(Duration.toMillis)
      // Exponential from 1 s, doubling, each jittered by 0.8–1.2.
      millis.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(800 * 2 ** i)
        expect(ms).toBeLessThanOrEqual(1200 * 2 ** i)
      })
      expect(Duration.toMillis(yield* pauseAfter("1 second", 40))).toBeLessThanOrEqual(1.2 * 3_600_000)
    })
  )
})

describe("one callback POST", () => {
  it.scoped("goes to an allowed address, also by name; a name resolving to a refused one is not tried", () =>
    Effect.gen(function* () {
      const { port, received } = yield* callbackReceiver
      const bodies = () => received.map((r) => r.body)
      const loopback = allowing("127.0.0.0/8")
      const send = (rules: Addresses.AddressRules, url: string) =>
        post(rules, url, { "content-type": "application/json" }, '{"a":1}', Duration.seconds(5))
      expect(yield* send(loopback, `http://127.0.0.1:${port}/hook`)).toMatchObject({
        _tag: "Answered",
        status: 200
      })
      expect(yield* send(loopback, `http://localhost:${port}/hook`)).toMatchObject({ _tag: "Answered" })
      expect(bodies()).toEqual(['{"a":1}', '{"a":1}'])
      const byName = yield* send(none, `http://localhost:${port}/hook`)
      expect(byName._tag).toBe("Refused")
      expect(byName._tag === "Refused" && byName.error).toContain(
        "localhost resolves only to refused addresses"
      )
      expect((yield* send(none, `http://127.0.0.1:${port}/hook`))._tag).toBe("Refused")
      expect(bodies()).toHaveLength(2)
      // Nothing listens there: not delivered, to be tried again.
      expect(yield* send(loopback, "http://127.0.0.1:9/hook")).toMatchObject({
        _tag: "NotDelivered",
        status: null
      })
    })
  )
})
