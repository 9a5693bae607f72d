"""openstacksdk's side of the network part (bench/network.ts), as alice: a network with its subnet, a
router with its gateway on the external network and the subnet's interface on it, then all of it
removed, each timed from its first call to its last answer. Nothing is left behind by a successful run:
what was made is what is removed; bench/network.ts sweeps what a failed run left by its name.

  sdk_network.py <name> <cidr> <external network id> <tags as JSON: {"network", "subnet", "router"}>
      The network proxy's calls, one after the other as a script writes them:
      create_network(name) + set_tags, create_subnet(network_id, cidr, ip_version=4) + set_tags,
      create_router(external_gateway_info={"network_id": ...}) + set_tags,
      add_interface_to_router(router, subnet_id). Each resource carries the same kind of tags as
      Enamel's and the floor's (Neutron Zed takes tags in a second call, as Enamel's clients do). Not
      the cloud layer's create_network/create_subnet/create_router/add_router_interface: they read the
      network, the external network and the router again around each call (create_subnet alone lists
      the networks), which is the layer's own work, not the plumbing. Nothing is waited for: Neutron
      has made each thing when it answers, as Enamel's flow and the floor take it.
      Then remove_interface_from_router(router, port_id), delete_router, delete_subnet,
      delete_network, one after the other, each followed by its get_* every 0.2 s until Neutron
      answers 404, as Enamel's network.delete and the floor wait (the proxy's wait_for_delete wants
      the resource object, which the interface's port is not here; the loop is the same calls).
      Prints {"seconds", "delete_seconds"}.

Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack
import openstack.exceptions

name, cidr, external_network_id, tags = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
conn = openstack.connect(cloud="alice")
conn.authorize()  # the token is had before the clock starts, as for the other sides
conn.network.get_endpoint()  # and the network endpoint, as a client that has run a while has it

started = time.monotonic()
network = conn.network.create_network(name=name)
conn.network.set_tags(network, tags["network"])
subnet = conn.network.create_subnet(name=name, network_id=network.id, cidr=cidr, ip_version=4)
conn.network.set_tags(subnet, tags["subnet"])
router = conn.network.create_router(name=name, external_gateway_info={"network_id": external_network_id})
conn.network.set_tags(router, tags["router"])
interface = conn.network.add_interface_to_router(router, subnet_id=subnet.id)
seconds = time.monotonic() - started


def gone(get, resource_id):
    """get(resource_id) every 0.2 s until Neutron answers 404."""
    for _ in range(50):
        try:
            get(resource_id)
        except openstack.exceptions.ResourceNotFound:
            return
        time.sleep(0.2)
    sys.exit(f"{resource_id} was still there after it was deleted")


deleting = time.monotonic()
conn.network.remove_interface_from_router(router, port_id=interface["port_id"])
gone(conn.network.get_port, interface["port_id"])
conn.network.delete_router(router)
gone(conn.network.get_router, router.id)
conn.network.delete_subnet(subnet)
gone(conn.network.get_subnet, subnet.id)
conn.network.delete_network(network)
gone(conn.network.get_network, network.id)
delete_seconds = time.monotonic() - deleting
print(json.dumps({"seconds": seconds, "delete_seconds": delete_seconds}))
