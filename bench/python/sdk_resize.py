"""openstacksdk's side of the resize part (bench/resize.ts), as alice: a resize of a running server to
another flavor, confirmed, timed from the first call until the server is ACTIVE on the new flavor.

  sdk_resize.py <server id> <flavor id> <flavor name>
      conn.compute.resize_server(server, flavor_id) →
      conn.compute.wait_for_server(server, status="VERIFY_RESIZE", interval=0.2) →
      conn.compute.confirm_server_resize(server) → the server read every 0.2 s until it is ACTIVE on the
      new flavor with no task state (wait_for_server(status="ACTIVE") would stop at once: Nova shows the
      server VERIFY_RESIZE, then ACTIVE, only once the compute host has confirmed, and the status alone
      does not say the confirm is over). `openstack server resize --wait` + `openstack server resize
      confirm` make the same calls with a 5 s poll. Polled every 0.2 s, as Enamel's and the floor's
      waits. Prints {"seconds"}.

Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack

server_id, flavor_id, flavor_name = sys.argv[1], sys.argv[2], sys.argv[3]
conn = openstack.connect(cloud="alice")
conn.authorize()  # the token is had before the clock starts, as for the other sides
conn.compute.get_endpoint()  # and the compute endpoint, as a client that has run a while has it
server = conn.compute.get_server(server_id)

started = time.monotonic()
conn.compute.resize_server(server, flavor_id)
conn.compute.wait_for_server(server, status="VERIFY_RESIZE", failures=["ERROR"], interval=0.2, wait=300)
conn.compute.confirm_server_resize(server)
while True:
    server = conn.compute.get_server(server_id)
    if server.status == "ERROR":
        raise SystemExit(f"server {server_id} went to ERROR")
    if server.status == "ACTIVE" and server.task_state is None and (server.flavor.original_name or server.flavor.name) == flavor_name:
        break
    if time.monotonic() - started > 300:
        raise SystemExit(f"server {server_id} not ACTIVE on {flavor_name} after 300 s")
    time.sleep(0.2)
seconds = time.monotonic() - started
print(json.dumps({"seconds": seconds}))
