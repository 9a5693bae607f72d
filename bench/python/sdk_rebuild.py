"""openstacksdk's side of the rebuild part (bench/rebuild.ts), as alice: a volume-backed server rebuilt
from an image, timed from the first call until the server is ACTIVE again.

  sdk_rebuild.py <server id> <image id>
      conn.compute.post(f"/servers/{id}/action", json={"rebuild": {"imageRef": ...}},
      microversion="2.93") → the server read every 0.2 s (conn.compute.get_server) until it is ACTIVE
      with no task state.
      Not conn.compute.rebuild_server(server, image): openstacksdk 0.101 (Debian 12) speaks compute 2.73
      at most for servers, and Nova below 2.93 refuses to rebuild a server booted from a volume from
      another image; the `openstack` CLI of Debian 12 stops at 2.92. So the action is the proxy's own POST
      at 2.93, as rebuild_server would send it there. Not wait_for_server(server, status="ACTIVE") either:
      it looks at the status of the object it is given first, and the server read before the clock says
      ACTIVE, so it returns at once (0.8 s in a first run, against the floor's 3.8 s). Polled every
      0.2 s, as Enamel's and the floor's waits. Prints {"seconds"}.

Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack

server_id, image_id = sys.argv[1], sys.argv[2]
conn = openstack.connect(cloud="alice")
conn.authorize()  # the token is had before the clock starts, as for the other sides
conn.compute.get_endpoint()  # and the compute endpoint, as a client that has run a while has it
started = time.monotonic()
answer = conn.compute.post(
    f"/servers/{server_id}/action", json={"rebuild": {"imageRef": image_id}}, microversion="2.93"
)
if answer.status_code != 202:
    raise SystemExit(f"rebuild answered {answer.status_code}: {answer.text}")
while True:
    time.sleep(0.2)
    server = conn.compute.get_server(server_id)
    if server.status == "ERROR":
        raise SystemExit(f"server {server_id} went to ERROR")
    if server.status == "ACTIVE" and server.task_state is None:
        break
    if time.monotonic() - started > 300:
        raise SystemExit(f"server {server_id} not rebuilt after 300 s")
seconds = time.monotonic() - started
print(json.dumps({"seconds": seconds}))
