"""openstacksdk's side of the attach part (bench/attach.ts), as alice, on an existing server; timed from
the first call to the last answer. Nothing is removed here: bench/attach.ts detaches and deletes what
this printed (untimed), and sweeps what a failed run left by its name.

  sdk_attach.py volume <server id> <name>
      conn.create_volume(size=1, wait=True) then conn.attach_volume(server, volume, wait=True) (both
      wait by polling every 2 s, the SDK's default). Prints {"seconds", "volume_id"}.
  sdk_attach.py interface <server id> <name>
      conn.network.create_port on the network "private" (found by name inside the time, as Enamel
      does), conn.compute.create_server_interface(server, port_id=...), then
      conn.create_floating_ip(network="public", port=<the port>). Not conn.add_auto_ip: with reuse=True
      (its default) it takes any free floating IP of the project, another user's among them, and with
      reuse=False and wait=True it waits for the floating IP to be ACTIVE, which it never is on the dev
      cloud (no L3 agent); add_auto_ip(reuse=False) itself calls create_floating_ip. Prints {"seconds",
      "port_id", "floating_ip_id"}.
  sdk_attach.py detach-volume <server id> <volume id>
      conn.detach_volume(server, volume, wait=True) then conn.delete_volume(volume, wait=True) (the SDK's
      default polling). Prints {"seconds"}.
  sdk_attach.py detach-interface <server id> <port id> <floating IP id>
      conn.delete_floating_ip, conn.compute.delete_server_interface, then get_server_interface every 2 s
      (the SDK's default interval; its wait_for_delete needs a status, which an interface lacks) until
      Nova no longer lists it, then conn.network.delete_port. Prints {"seconds"}.

Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack

what, server_id, name = sys.argv[1:4]  # name: the thing's id for the detach sides
conn = openstack.connect(cloud="alice")
conn.authorize()  # the token is had before the clock starts, as for the other sides
server = conn.compute.get_server(server_id)

if what == "volume":
    started = time.monotonic()
    volume = conn.create_volume(size=1, name=name, wait=True, timeout=300)
    conn.attach_volume(server, volume, wait=True, timeout=300)
    seconds = time.monotonic() - started
    print(json.dumps({"seconds": seconds, "volume_id": volume.id}))
elif what == "interface":
    started = time.monotonic()
    network = conn.network.find_network("private", ignore_missing=False)
    port = conn.network.create_port(network_id=network.id, name=name)
    conn.compute.create_server_interface(server, port_id=port.id)
    ip = conn.create_floating_ip(network="public", port=port.id)
    seconds = time.monotonic() - started
    print(json.dumps({"seconds": seconds, "port_id": port.id, "floating_ip_id": ip["id"]}))
elif what == "detach-volume":
    volume = conn.get_volume(name)
    started = time.monotonic()
    conn.detach_volume(server, volume, wait=True, timeout=300)
    conn.delete_volume(volume.id, wait=True, timeout=300)
    print(json.dumps({"seconds": time.monotonic() - started}))
elif what == "detach-interface":
    floating_ip_id = sys.argv[4]
    interface = conn.compute.get_server_interface(name, server=server)
    started = time.monotonic()
    conn.delete_floating_ip(floating_ip_id)
    conn.compute.delete_server_interface(interface, server=server)
    # wait_for_delete cannot wait on a ServerInterface (it has no status): poll it every 2 s, the SDK's
    # default interval, until Nova no longer lists it.
    for _ in range(150):
        try:
            conn.compute.get_server_interface(interface, server=server)
        except openstack.exceptions.NotFoundException:
            break
        time.sleep(2)
    conn.network.delete_port(name)
    print(json.dumps({"seconds": time.monotonic() - started}))
else:
    sys.exit(f"unknown side {what}: volume, interface, detach-volume or detach-interface")
