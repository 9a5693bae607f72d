"""One openstacksdk create_server(boot_from_volume=True, auto_ip=True, wait=True) as alice, timed, then
deleted (untimed). Prints {"seconds": ...}. Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack

name = sys.argv[1]
conn = openstack.connect(cloud="alice")
conn.authorize()  # the token is had before the clock starts, as for the other sides
started = time.monotonic()
server = conn.create_server(
    name, image="tiny", flavor="m1.tiny", network="private", boot_from_volume=True, volume_size=1,
    terminate_volume=True, auto_ip=True, wait=True, timeout=300)
seconds = time.monotonic() - started
ok = server.status == "ACTIVE" and bool(server.public_v4)
# delete_ips finds the floating IP through the server's addresses, which Nova may not show yet: the
# floating IP then outlives the server (and a later auto_ip reuses it). Its ports' floating IPs are
# read before the server goes, and deleted after.
floating_ips = [ip.id for port in conn.network.ports(device_id=server.id)
                for ip in conn.network.ips(port_id=port.id)]
conn.delete_server(server.id, wait=True, delete_ips=True, timeout=300)
for ip in floating_ips:
    conn.network.delete_ip(ip, ignore_missing=True)
print(json.dumps({"seconds": seconds, "ok": ok}))
