/**
 * The accepting floor: what `POST /servers` → 202 costs with nothing but Node's HTTP server, one
 * PostgreSQL transaction and one confirmed RabbitMQ publish per request (node-postgres and amqplib used
 * directly, a prepared statement, persistent messages to a durable priority queue as Enamel's). No
 * token check, no validation beyond JSON, no outbox: the bare parts Enamel's accept path is built on.
 * Its own process, compiled like the API; `FLOOR_PORT`, `FLOOR_DATABASE_URL`, `FLOOR_NAMESPACE`,
 * `ENAMEL_AMQP_URL`. The bench removes its table (with the database) and its exchange and queue.
 */
import { randomUUID } from "node:crypto"
import { createServer, type ServerResponse } from "node:http"
import { Topology } from "@enamel/broker"
import amqp from "amqplib"
import pg from "pg"

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const topology = Topology.make(env("FLOOR_NAMESPACE"))
const topic = "server.create"
// The same pool size as Enamel's API (@effect/sql-pg's default).
const pool = new pg.Pool({ connectionString: env("FLOOR_DATABASE_URL"), max: 10 })
await pool.query(
  "CREATE TABLE IF NOT EXISTS floor_tasks (id uuid PRIMARY KEY, params jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)
const connection = await amqp.connect(process.env.ENAMEL_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672")
const channel = await connection.createConfirmChannel()
await channel.assertExchange(topology.tasksExchange, "topic", { durable: true })
await channel.assertQueue(topology.queueFor(topic), {
  durable: true,
  arguments: Topology.queueArguments(topology)
})
await channel.bindQueue(topology.queueFor(topic), topology.tasksExchange, topic)

const insert = { name: "floor-insert", text: "INSERT INTO floor_tasks (id, params) VALUES ($1, $2)" }

const publishConfirmed = (body: string) =>
  new Promise<void>((resolve, reject) => {
    channel.publish(
      topology.tasksExchange,
      topic,
      Buffer.from(body),
      { persistent: true, priority: 0 },
      (error) => (error === null || error === undefined ? resolve() : reject(error))
    )
  })

const answer = (response: ServerResponse, status: number, document: unknown) => {
  const body = JSON.stringify(document)
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body)
  })
  response.end(body)
}

const server = createServer((request, response) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.on("end", () => {
    let params: unknown
    try {
      params = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    } catch {
      return answer(response, 400, { errors: [{ status: 400, title: "Bad Request" }] })
    }
    const id = randomUUID()
    pool
      .query({ ...insert, values: [id, JSON.stringify(params)] })
      .then(() => publishConfirmed(JSON.stringify({ taskId: id, type: topic })))
      .then(
        () => answer(response, 202, { task: { id, type: topic, state: "PENDING" } }),
        () => answer(response, 503, { errors: [{ status: 503, title: "Service Unavailable" }] })
      )
  })
})

const stop = () => {
  server.close()
  void channel
    .close()
    .then(() => connection.close())
    .finally(() => pool.end().finally(() => process.exit(0)))
}
process.once("SIGTERM", stop)
process.once("SIGINT", stop)
server.listen(Number(env("FLOOR_PORT")), "127.0.0.1")
