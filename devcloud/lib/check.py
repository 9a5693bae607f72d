"""devcloud check: prove the whole path through the real APIs, as an ordinary project member.

As alice (member of alpha): create a bootable volume from image `tiny` (Cinder) and a port on
`private` (Neutron) concurrently, boot a server from the volume on the port, create a floating IP
on `public` for the port, wait for ACTIVE (polling every 0.2 s), then delete everything and show
that nothing is left. Prints one JSON line on stdout; exits 1 on any failure.
"""
import concurrent.futures
import json
import sys
import time
import uuid

import openstack
from openstack import exceptions

POLL = 0.2
TIMEOUT = 60          # per wait; a healthy dev cloud needs 1-4 s
CLEANUP_TIMEOUT = 30  # e.g. a volume stuck in `creating` cannot be deleted by a member anyway
CLOUD = "alice"


class Check:
    def __init__(self):
        self.name = f"devcloud-check-{uuid.uuid4().hex[:8]}"
        self.timings = {}
        self.created = {}  # kind -> id
        self.conn = None

    def timed(self, key, fn, *args):
        t = time.monotonic()
        try:
            return fn(*args)
        finally:
            self.timings[key] = round(time.monotonic() - t, 2)

    # ---- the path ----------------------------------------------------------------------------
    def run(self):
        conn = self.conn = self.timed("auth", self.connect)
        image, flavor, private, public = self.timed("lookup", self.lookup)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            t = time.monotonic()
            vol_f = pool.submit(self.timed, "volume_available", self.create_volume, image)
            port_f = pool.submit(self.timed, "port_create", self.create_port, private)
            volume, port = vol_f.result(), port_f.result()
            self.timings["volume_and_port"] = round(time.monotonic() - t, 2)
        if not volume.is_bootable:
            raise RuntimeError(f"volume {volume.id} is not bootable")
        t_boot = time.monotonic()
        server = self.timed("server_create_request", lambda: conn.compute.create_server(
            name=self.name, flavor_id=flavor.id, networks=[{"port": port.id}],
            block_device_mapping=[{"boot_index": 0, "uuid": volume.id, "source_type": "volume",
                                   "destination_type": "volume",
                                   "delete_on_termination": False}]))
        self.created["server"] = server.id
        fip = self.timed("floating_ip_create", lambda: conn.network.create_ip(
            floating_network_id=public.id, port_id=port.id, description=self.name))
        self.created["floating_ip"] = fip.id
        server = conn.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"],
                                              interval=POLL, wait=TIMEOUT)
        self.timings["server_active"] = round(time.monotonic() - t_boot, 2)
        self.verify(server, volume, port, fip)

    def connect(self):
        conn = openstack.connect(cloud=CLOUD)
        conn.authorize()
        return conn

    def lookup(self):
        conn = self.conn
        found = (conn.image.find_image("tiny"), conn.compute.find_flavor("m1.tiny"),
                 conn.network.find_network("private", project_id=conn.current_project_id),
                 conn.network.find_network("public"))
        missing = [n for n, r in zip(("image tiny", "flavor m1.tiny", "network private",
                                      "network public"), found) if r is None]
        if missing:
            raise RuntimeError(f"fixtures missing: {', '.join(missing)} (run devcloud up)")
        return found

    def create_volume(self, image):
        vol = self.conn.block_storage.create_volume(name=self.name, size=1, image_id=image.id)
        self.created["volume"] = vol.id
        return self.conn.block_storage.wait_for_status(
            vol, status="available", failures=["error"], interval=POLL, wait=TIMEOUT)

    def create_port(self, network):
        port = self.conn.network.create_port(name=self.name, network_id=network.id)
        self.created["port"] = port.id
        return port

    def verify(self, server, volume, port, fip):
        conn = self.conn
        port = conn.network.get_port(port.id)
        problems = []
        # (binding:* attributes are admin-only; a bound port of a booted server is ACTIVE)
        if port.device_id != server.id or port.status != "ACTIVE":
            problems.append(f"port device_id={port.device_id} status={port.status}")
        attached = [a["id"] for a in server.attached_volumes or []]
        if volume.id not in attached:
            problems.append(f"volume {volume.id} not attached (attached: {attached})")
        fip = conn.network.get_ip(fip.id)
        if fip.port_id != port.id or not fip.floating_ip_address.startswith("172.24.4."):
            problems.append(f"floating ip {fip.floating_ip_address} port {fip.port_id}")
        if problems:
            raise RuntimeError("; ".join(problems))

    # ---- cleanup and proof ----------------------------------------------------------------------
    def cleanup(self):
        conn, errors = self.conn, []
        if conn is None:
            return errors

        def attempt(label, fn):
            try:
                self.timed(label, fn)
            except Exception as e:  # keep unwinding; report what failed
                errors.append(f"{label}: {e}")

        t = time.monotonic()
        if "floating_ip" in self.created:
            attempt("delete_floating_ip", lambda: conn.network.delete_ip(
                self.created["floating_ip"], ignore_missing=True))
        if "server" in self.created:
            def delete_server():
                conn.compute.delete_server(self.created["server"], ignore_missing=True)
                server = conn.compute.find_server(self.created["server"])
                if server is not None:
                    conn.compute.wait_for_delete(server, interval=POLL, wait=CLEANUP_TIMEOUT)
            attempt("delete_server", delete_server)
        if "port" in self.created:
            attempt("delete_port", lambda: conn.network.delete_port(
                self.created["port"], ignore_missing=True))
        if "volume" in self.created:
            def delete_volume():
                vol = conn.block_storage.find_volume(self.created["volume"])
                if vol is None:
                    return
                if vol.status not in ("available", "error"):
                    vol = conn.block_storage.wait_for_status(
                        vol, status="available", failures=["error"], interval=POLL,
                        wait=CLEANUP_TIMEOUT)
                conn.block_storage.delete_volume(vol)
                conn.block_storage.wait_for_delete(vol, interval=POLL, wait=CLEANUP_TIMEOUT)
            attempt("delete_volume", delete_volume)
        self.timings["delete_all"] = round(time.monotonic() - t, 2)
        return errors

    def leftovers(self):
        conn = self.conn
        if conn is None:
            return {}
        getters = {"server": conn.compute.find_server, "volume": conn.block_storage.find_volume,
                   "port": conn.network.find_port, "floating_ip": conn.network.find_ip}
        left = {kind: int(kind in self.created and getters[kind](self.created[kind]) is not None)
                for kind in getters}
        # also anything else carrying this run's name
        left["server"] += sum(1 for s in conn.compute.servers(name=self.name)
                              if s.id != self.created.get("server"))
        left["volume"] += sum(1 for v in conn.block_storage.volumes(name=self.name)
                              if v.id != self.created.get("volume"))
        left["port"] += sum(1 for p in conn.network.ports(name=self.name)
                            if p.id != self.created.get("port"))
        return left


def main():
    check, error = Check(), None
    t = time.monotonic()
    try:
        check.run()
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
    cleanup_errors = check.cleanup()
    try:
        left = check.leftovers()
    except Exception as e:
        left, cleanup_errors = {}, cleanup_errors + [f"leftovers: {e}"]
    ok = error is None and not cleanup_errors and left and not any(left.values())
    result = {"ok": bool(ok), "total_s": round(time.monotonic() - t, 2),
              "timings": check.timings, "leftovers": left, "name": check.name}
    if error:
        result["error"] = error
    if cleanup_errors:
        result["cleanup_errors"] = cleanup_errors
    print(json.dumps(result), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
