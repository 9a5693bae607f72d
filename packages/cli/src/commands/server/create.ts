import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { createServersPayload } from "../../input/serverCreate.js"
import { described, dryRun, idempotencyKey, onFailure, priority, submit, wait } from "./shared.js"

/** `enamel server create NAME …`: servers with their volumes, ports, keypair and floating IPs, one task. */

export const create = Command.make(
  "create",
  {
    name: Args.text({ name: "NAME" }).pipe(
      Args.withDescription("the server's name; with --count N they are NAME-1 … NAME-N")
    ),
    image: described(Options.text("image").pipe(Options.optional), "image name or id"),
    bootSnapshot: described(
      Options.text("boot-snapshot").pipe(Options.withPseudoName("SNAPSHOT"), Options.optional),
      "instead of --image: boot from a new volume made from this snapshot (id), such as a backup's " +
        "(its size unless --boot-volume gives one)"
    ),
    flavor: described(Options.text("flavor"), "flavor name or id"),
    networks: described(
      Options.text("network").pipe(
        Options.withPseudoName("NET[,fixed-ip=IP][,security-group=SG]…"),
        Options.repeated
      ),
      "a new port on NET, with a fixed IP and security groups if given; repeat for more NICs. " +
        'NET "auto": the project\'s default network, made the first time (network, subnet, router) and ' +
        'reused afterwards (a network named "auto" is given by its id)'
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
      "boot from a new volume of the image or --boot-snapshot (deleted with the server unless " +
        "delete-on-termination=false)"
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
    priority,
    idempotencyKey,
    onFailure,
    wait,
    dryRun
  },
  (flags) =>
    Effect.gen(function* () {
      const payload = yield* createServersPayload({
        name: flags.name,
        image: Option.getOrUndefined(flags.image),
        bootSnapshot: Option.getOrUndefined(flags.bootSnapshot),
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
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.createServers({ payload: { ...payload, ...options }, ...parts })
      )
    })
).pipe(
  Command.withDescription(
    "Create servers, each with its boot volume, ports, security groups, keypair and floating IP, as one task " +
      "(undone entirely when any part fails)."
  )
)
