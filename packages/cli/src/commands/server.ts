import { Args, Command, Options } from "@effect/cli"
import type { EnamelClientShape } from "@enamel/client"
import type { TaskView } from "@enamel/domain/contract"
import { Effect, Option } from "effect"
import { withClient } from "../client.js"
import { enamel } from "../globals.js"
import { parseId } from "../input/ids.js"
import { createServersPayload } from "../input/serverCreate.js"
import { printTask } from "../render/formats.js"
import { line } from "../render/Output.js"
import { titleOf, watchTask } from "../watch.js"

/** `enamel server create|delete`: the porcelain calls, each a task; `--wait` watches it to its end. */

const described = <A>(options: Options.Options<A>, text: string) => Options.withDescription(options, text)

const wait = described(
  Options.boolean("wait"),
  "watch the task's stages until it ends; exit 0 only if it SUCCEEDED (Ctrl-C detaches, the task goes on)"
)

/** After the 202: the task, or with --wait its stages as they happen and its end. */
const accepted = (client: EnamelClientShape, task: TaskView, waitForIt: boolean) =>
  Effect.gen(function* () {
    const globals = yield* enamel
    if (waitForIt) return yield* Effect.asVoid(watchTask(client, task.id, titleOf(task), globals))
    const { format } = globals
    yield* printTask(format, task)
    if (format === "table") yield* line(`Watch it: enamel task watch ${task.id}`)
  })

const create = Command.make(
  "create",
  {
    name: Args.text({ name: "NAME" }).pipe(
      Args.withDescription("the server's name; with --count N they are NAME-1 … NAME-N")
    ),
    image: described(Options.text("image"), "image name or id"),
    flavor: described(Options.text("flavor"), "flavor name or id"),
    networks: described(
      Options.text("network").pipe(
        Options.withPseudoName("NET[,fixed-ip=IP][,security-group=SG]…"),
        Options.repeated
      ),
      "a new port on NET, with a fixed IP and security groups if given; repeat for more NICs"
    ),
    ports: described(
      Options.text("port").pipe(Options.withPseudoName("PORT"), Options.repeated),
      "an existing port (id); NICs are in order: every --network, then every --port"
    ),
    floatingIp: described(
      Options.text("floating-ip").pipe(Options.withPseudoName("EXTERNAL_NET"), Options.optional),
      "a floating IP from EXTERNAL_NET on the first NIC"
    ),
    bootVolume: described(
      Options.text("boot-volume").pipe(
        Options.withPseudoName("SIZE_GB[,type=T][,delete-on-termination=false]"),
        Options.optional
      ),
      "boot from a new volume of the image (deleted with the server unless delete-on-termination=false)"
    ),
    keyName: described(Options.text("key-name").pipe(Options.optional), "the keypair to put on the servers"),
    publicKey: described(
      Options.fileText("public-key-file").pipe(Options.optional),
      "import this OpenSSH public key as --key-name if there is no such keypair yet"
    ),
    count: described(Options.integer("count").pipe(Options.optional), "how many servers (1–20)"),
    userData: described(
      Options.fileText("user-data").pipe(Options.optional),
      "a file of user data (cloud-init)"
    ),
    properties: described(
      Options.text("property").pipe(Options.withPseudoName("KEY=VALUE"), Options.repeated),
      "metadata on the servers; repeat for more"
    ),
    availabilityZone: described(
      Options.text("availability-zone").pipe(Options.optional),
      "availability zone"
    ),
    priority: described(
      Options.integer("priority").pipe(Options.optional),
      "the task's priority, 0–9 (default 5)"
    ),
    idempotencyKey: described(
      Options.text("idempotency-key").pipe(Options.withPseudoName("KEY"), Options.optional),
      "the same key and flags give the same task instead of a second one"
    ),
    wait
  },
  (flags) =>
    Effect.gen(function* () {
      const payload = yield* createServersPayload({
        name: flags.name,
        image: flags.image,
        flavor: flags.flavor,
        networks: flags.networks,
        ports: flags.ports,
        floatingIp: Option.getOrUndefined(flags.floatingIp),
        bootVolume: Option.getOrUndefined(flags.bootVolume),
        keyName: Option.getOrUndefined(flags.keyName),
        publicKey: Option.getOrUndefined(Option.map(flags.publicKey, ([, content]) => content)),
        count: Option.getOrUndefined(flags.count),
        userData: Option.getOrUndefined(Option.map(flags.userData, ([, content]) => content)),
        properties: flags.properties,
        availabilityZone: Option.getOrUndefined(flags.availabilityZone),
        priority: Option.getOrUndefined(flags.priority)
      })
      yield* withClient((client) =>
        Effect.gen(function* () {
          const answer = yield* client.api.porcelain.createServers({
            payload,
            headers: Option.match(flags.idempotencyKey, {
              onNone: () => ({}),
              onSome: (key) => ({ "idempotency-key": key })
            })
          })
          yield* accepted(client, answer.task, flags.wait)
        })
      )
    })
).pipe(
  Command.withDescription(
    "Create servers, each with its boot volume, ports, security groups, keypair and floating IP, as one task " +
      "(undone entirely when any part fails)."
  )
)

const del = Command.make(
  "delete",
  { id: Args.text({ name: "ID" }).pipe(Args.withDescription("the server's id")), wait },
  ({ id, wait }) =>
    Effect.gen(function* () {
      const serverId = yield* parseId("server", id)
      yield* withClient((client) =>
        Effect.gen(function* () {
          const answer = yield* client.api.porcelain.deleteServer({ path: { id: serverId }, headers: {} })
          yield* accepted(client, answer.task, wait)
        })
      )
    })
).pipe(
  Command.withDescription(
    "Delete a server and the boot volume, ports and floating IPs Enamel made for it, as one task."
  )
)

export const server = Command.make("server").pipe(
  Command.withDescription("Servers: create and delete them, each as a task."),
  Command.withSubcommands([create, del])
)
