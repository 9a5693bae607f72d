// A TCP forwarder for the test hosts (plain Node, no dependencies), run by hosts.sh:
//
//   node forward.mjs [--control FILE] [--log FILE] LISTEN_HOST:PORT=TARGET_HOST:PORT ...
//
// Each pair: accept on the first address, connect to the second, copy bytes both ways.
// --control FILE: a JSON file read again whenever it changes (polled every 100 ms), that delays the bytes
//   of some connections: {"delays": [{"port": 5432, "from": ["10.77.0.21"], "ms": 200}]}: every chunk of a
//   connection accepted on that listening port from one of those addresses is held `ms` in each direction,
//   in order (a chunk never overtakes the one before it). A change applies to open connections at once;
//   a missing or empty file means no delay. tc netem is not in the test kernel: this is the delay.
// --log FILE: one JSON line per HTTP request line seen from a client ({"t": ms, "port": 8774,
//   "request": "POST /v2.1/servers"}), so a test can tell whether a host made cloud calls after a moment.
import { appendFileSync, readFileSync, watchFile } from "node:fs"
import { connect, createServer } from "node:net"

const args = process.argv.slice(2)
let controlFile
let logFile
const pairs = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--control") controlFile = args[++i]
  else if (args[i] === "--log") logFile = args[++i]
  else {
    const match = /^([^=]+):(\d+)=([^=]+):(\d+)$/.exec(args[i])
    if (match === null) {
      console.error(`forward.mjs: not LISTEN_HOST:PORT=TARGET_HOST:PORT: ${args[i]}`)
      process.exit(2)
    }
    pairs.push({ host: match[1], port: Number(match[2]), toHost: match[3], toPort: Number(match[4]) })
  }
}

/** "port from" → ms */
let delays = new Map()
const readControl = () => {
  const next = new Map()
  try {
    const text = readFileSync(controlFile, "utf8")
    if (text.trim() !== "")
      for (const rule of JSON.parse(text).delays ?? [])
        for (const from of rule.from) next.set(`${rule.port} ${from}`, Number(rule.ms))
  } catch (error) {
    if (error.code !== "ENOENT") console.error(`forward.mjs: control file ${controlFile}: ${error.message}`)
  }
  delays = next
}
if (controlFile !== undefined) {
  readControl()
  watchFile(controlFile, { interval: 100 }, readControl)
}

const requestLine = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.[01]$/

/**
 * Follows one connection's HTTP/1.1 requests (head, then a body of Content-Length bytes or chunked up to
 * its last chunk) and logs each request line.
 */
const requestLogger = (port) => {
  let buffer = ""
  let bodyLeft = 0
  let chunked = false
  return (chunk) => {
    buffer += chunk.toString("latin1")
    for (;;) {
      if (bodyLeft > 0) {
        const taken = Math.min(bodyLeft, buffer.length)
        buffer = buffer.slice(taken)
        bodyLeft -= taken
        if (bodyLeft > 0) return
      }
      if (chunked) {
        const last = buffer.indexOf("0\r\n\r\n")
        if (last === -1) return
        buffer = buffer.slice(last + 5)
        chunked = false
      }
      const end = buffer.indexOf("\r\n\r\n")
      if (end === -1) {
        if (buffer.length > 65_536) buffer = "" // not HTTP: give up on this connection's data
        return
      }
      const head = buffer.slice(0, end)
      buffer = buffer.slice(end + 4)
      const match = requestLine.exec(head.split("\r\n", 1)[0])
      if (match !== null)
        appendFileSync(
          logFile,
          `${JSON.stringify({ t: Date.now(), port, request: `${match[1]} ${match[2]}` })}\n`
        )
      bodyLeft = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
      chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(head)
    }
  }
}

/** Copies `from` to `to`, each chunk held by the delay in force when it arrived, in order. */
const pipe = (from, to, delayOf, onChunk) => {
  let last = 0 // when the previous chunk is written
  let pending = 0
  let ended = false
  from.on("data", (chunk) => {
    onChunk?.(chunk)
    const ms = delayOf()
    if (ms <= 0 && pending === 0) {
      to.write(chunk)
      return
    }
    const at = Math.max(Date.now() + ms, last)
    last = at
    pending++
    setTimeout(() => {
      pending--
      if (!to.destroyed) to.write(chunk)
      if (pending === 0 && ended) to.end()
    }, at - Date.now())
  })
  from.on("end", () => {
    ended = true
    if (pending === 0) to.end()
  })
}

for (const pair of pairs) {
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const from = client.remoteAddress?.replace(/^::ffff:/, "") ?? ""
    const key = `${pair.port} ${from}`
    const delayOf = () => delays.get(key) ?? 0
    const upstream = connect({ host: pair.toHost, port: pair.toPort, allowHalfOpen: true })
    const logRequests = logFile === undefined ? undefined : requestLogger(pair.port)
    pipe(client, upstream, delayOf, logRequests)
    pipe(upstream, client, delayOf)
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    // An end is passed on by `pipe` (after the chunks still held); an error or reset closes both sides.
    client.on("error", close)
    upstream.on("error", close)
  })
  server.on("error", (error) => {
    console.error(`forward.mjs: ${pair.host}:${pair.port}: ${error.message}`)
    process.exit(1)
  })
  server.listen(pair.port, pair.host)
}
