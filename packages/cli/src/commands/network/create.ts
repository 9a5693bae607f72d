import { Args, Command, Options } from "@effect/cli"
import { NetworkCreate } from "@enamel/domain/flows"
import { Effect, Option } from "effect"
import { checked, defined } from "../../input/serverAttach.js"
import { described, dryRun, idempotencyKey, onFailure, priority, submit, wait } from "../server/shared.js"

/** `enamel network create NAME`: `network.create`. */
export const create = Command.make(
  "create",
  {
    name: Args.text({ name: "NAME" }).pipe(
      Args.withDescription("the network's name (its subnet and router are named NAME-subnet, NAME-router)")
    ),
    cidr: described(
      Options.text("cidr").pipe(Options.withPseudoName("CIDR"), Options.optional),
      "the subnet's CIDR, e.g. 10.0.5.0/24 (default: the first /24 of 10.0.0.0/8 the project does not use; IPv6 needs one)"
    ),
    externalNetwork: described(
      Options.text("external-network").pipe(Options.withPseudoName("EXTERNAL_NET"), Options.optional),
      "the external network (name or id) of the router's gateway (default: the operator's, else the only one)"
    ),
    dnsNameservers: described(
      Options.text("dns-nameserver").pipe(Options.withPseudoName("IP"), Options.repeated),
      "a DNS server for the subnet (repeatable)"
    ),
    ipVersion: described(
      Options.choice("ip-version", ["4", "6"]).pipe(Options.optional),
      "the subnet's IP version (default 4)"
    ),
    priority,
    idempotencyKey,
    onFailure,
    wait,
    dryRun
  },
  (flags) =>
    Effect.gen(function* () {
      const payload = yield* checked(
        NetworkCreate.CreateNetworkRequest,
        {
          name: "NAME",
          cidr: "--cidr",
          external_network: "--external-network",
          dns_nameservers: "--dns-nameserver",
          ip_version: "--ip-version",
          priority: "--priority"
        },
        {
          name: flags.name,
          ...defined("cidr", Option.getOrUndefined(flags.cidr)),
          ...defined("external_network", Option.getOrUndefined(flags.externalNetwork)),
          ...(flags.dnsNameservers.length === 0 ? {} : { dns_nameservers: flags.dnsNameservers }),
          ...defined("ip_version", Option.getOrUndefined(Option.map(flags.ipVersion, Number))),
          ...defined("priority", Option.getOrUndefined(flags.priority))
        }
      )
      yield* submit(flags, (client, parts, options) =>
        client.api.porcelain.createNetwork({ payload: { ...payload, ...options }, ...parts })
      )
    })
).pipe(
  Command.withDescription(
    "Create a network ready for servers, as one task: the network, its subnet, a router with its gateway on " +
      "the external network, and the subnet's interface on the router (undone entirely when any part fails)."
  )
)
