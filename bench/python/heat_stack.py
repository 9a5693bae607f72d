"""One Heat stack-create of a boot volume, a port, a server booted from the volume and a floating IP on
the port, as alice; timed until CREATE_COMPLETE (polled every 0.2 s), then deleted (untimed). Prints
{"seconds": ...}. Run with Debian's /usr/bin/python3 (python3-openstacksdk)."""
import json
import sys
import time

import openstack

TEMPLATE = {
    "heat_template_version": "2018-08-31",
    "resources": {
        "volume": {"type": "OS::Cinder::Volume", "properties": {"image": "tiny", "size": 1}},
        "port": {"type": "OS::Neutron::Port", "properties": {"network": "private"}},
        "server": {
            "type": "OS::Nova::Server",
            "properties": {
                "flavor": "m1.tiny",
                "block_device_mapping_v2": [{"boot_index": 0, "volume_id": {"get_resource": "volume"},
                                             "delete_on_termination": False}],
                "networks": [{"port": {"get_resource": "port"}}],
            },
        },
        "floating_ip": {
            "type": "OS::Neutron::FloatingIP",
            "properties": {"floating_network": "public", "port_id": {"get_resource": "port"}},
        },
    },
}


def wait(conn, stack_id, done, failed):
    while True:
        stack = conn.orchestration.get_stack(stack_id)
        if stack is None or stack.status == done:
            return stack
        if stack.status == failed:
            raise RuntimeError(f"stack {stack_id}: {stack.status} {stack.status_reason}")
        time.sleep(0.2)


name = sys.argv[1]
conn = openstack.connect(cloud="alice")
conn.authorize()
started = time.monotonic()
stack = conn.orchestration.create_stack(name=name, template=TEMPLATE, timeout_mins=10)
ok = True
try:
    wait(conn, stack.id, "CREATE_COMPLETE", "CREATE_FAILED")
except RuntimeError:
    ok = False
seconds = time.monotonic() - started
conn.orchestration.delete_stack(stack.id)
while True:
    gone = conn.orchestration.find_stack(stack.id)
    if gone is None or gone.status == "DELETE_COMPLETE":
        break
    if gone.status == "DELETE_FAILED":
        raise SystemExit(f"stack {stack.id} could not be deleted: {gone.status_reason}")
    time.sleep(0.5)
print(json.dumps({"seconds": seconds, "ok": ok}))
