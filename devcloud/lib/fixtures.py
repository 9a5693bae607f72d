"""Dev cloud fixtures, created idempotently through the real APIs (openstacksdk).

Usage: fixtures.py identity|full|ready   (run by `devcloud up` with its environment)
  identity: projects, users, roles and the service catalog (needed before nova starts).
  full:     compute host mapping, readiness, image, flavors, networks, quotas, and proof that
            `enamel` can validate tokens and keep secrets in Barbican.
  ready:    readiness only (nova-compute up with inventory in placement, cinder-volume up).
"""
import os
import subprocess
import sys
import time

import openstack

ENV = os.environ
SERVICE_USERS = ["glance", "placement", "neutron", "cinder", "nova", "barbican", "heat"]
ALL_INTERFACES = ("public", "internal", "admin")
CATALOG = [  # name, type, url, interfaces
    ("keystone", "identity", "http://127.0.0.1:5000/v3/", ALL_INTERFACES),
    ("glance", "image", "http://127.0.0.1:9292", ALL_INTERFACES),
    ("placement", "placement", "http://127.0.0.1:8778", ALL_INTERFACES),
    ("neutron", "network", "http://127.0.0.1:9696", ALL_INTERFACES),
    ("cinderv3", "volumev3", "http://127.0.0.1:8776/v3/%(project_id)s", ALL_INTERFACES),
    ("nova", "compute", "http://127.0.0.1:8774/v2.1", ALL_INTERFACES),
    ("barbican", "key-manager", "http://127.0.0.1:9311", ALL_INTERFACES),
    ("heat", "orchestration", "http://127.0.0.1:8004/v1/%(project_id)s", ALL_INTERFACES),
    # Enamel itself, where `corepack pnpm api` / `corepack pnpm enamel` listen by default; its clients
    # find it here by type (`porcelain`). It has no admin API, so no admin endpoint.
    ("enamel", "porcelain", "http://127.0.0.1:8780", ("public", "internal")),
]
PROJECTS = {"alpha": ("alice", "10.0.1"), "beta": ("bob", "10.0.2")}
# A user of alpha with only Keystone's `reader` role: sees alpha, may change nothing through Enamel.
READER = ("carol", "alpha")
FLAVORS = {"m1.tiny": (1, 512, 1), "m1.small": (1, 1024, 2)}  # vcpus, ram MB, disk GB
QUOTAS = {
    "compute": dict(instances=50, cores=200, ram=204800),
    "volume": dict(volumes=50, gigabytes=1000, snapshots=50),
    "network": dict(port=500, floatingip=100, network=50, subnet=50, router=20,
                    security_group=50, security_group_rule=500),
}
T0 = time.monotonic()


def log(msg):
    print(f"{time.strftime('%H:%M:%S')} fixtures: [{time.monotonic() - T0:5.1f}s] {msg}",
          file=sys.stderr, flush=True)


def passwords():
    return {i.split(":")[0]: i.split(":")[1] for i in ENV["IDENTITIES"].split()}


def wait_for(what, probe, timeout, hint):
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            sys.exit(f"fixtures: {what} not ready after {timeout} s; see {hint}")
        time.sleep(0.5)


# ---- identity -------------------------------------------------------------------------------

def ensure_identities(conn):
    idc = conn.identity
    pw = passwords()

    def project(name):
        return (idc.find_project(name, domain_id="default")
                or idc.create_project(name=name, domain_id="default",
                                      description="Enamel dev cloud"))

    def user(name, password, proj):
        found = idc.find_user(name, domain_id="default")
        return found or idc.create_user(name=name, password=password, domain_id="default",
                                        default_project_id=proj.id)

    roles = {r: idc.find_role(r) or idc.create_role(name=r)
             for r in ("admin", "member", "reader", "service")}
    service = project("service")
    for name in SERVICE_USERS:
        svc_user = user(name, ENV["SERVICE_PASS"], service)
        # `service` too: since OSSA-2023-003 Cinder only lets a service token carrying the
        # `service` role delete an in-use attachment (nova's detach on server delete).
        for role in ("admin", "service"):
            idc.assign_project_role_to_user(service, svc_user, roles[role])
    for pname, (uname, _net) in PROJECTS.items():
        proj = project(pname)
        idc.assign_project_role_to_user(proj, user(uname, pw[uname], proj), roles["member"])

    # carol: exactly `reader` in alpha (Keystone's read-only role; Enamel's policy refuses her changes)
    alpha = project("alpha")
    only_role(idc, user(READER[0], pw[READER[0]], alpha), {(alpha.id, roles["reader"].id)})

    # enamel: exactly `service` (validate others' tokens) and `member` (own Barbican secrets)
    enamel = user("enamel", pw["enamel"], service)
    only_role(idc, enamel, {(service.id, roles["service"].id), (service.id, roles["member"].id)})
    log("identities ok: admin; alice@alpha, bob@beta (member); carol@alpha (reader);"
        " enamel@service (service, member); service users (admin, service)")


def only_role(idc, account, wanted):
    """The user has exactly these (project id, role id) assignments: extra ones are removed."""
    for ra in idc.role_assignments(user_id=account.id):
        key = (ra.scope.get("project", {}).get("id"), ra.role["id"])
        if key not in wanted:
            log(f"removing extra role assignment of {account.name}: {ra.role} on {ra.scope}")
            if "project" in ra.scope:
                idc.unassign_project_role_from_user(key[0], account, ra.role["id"])
    for pid, rid in wanted:
        idc.assign_project_role_to_user(pid, account, rid)


def ensure_catalog(conn):
    idc = conn.identity
    for name, stype, url, interfaces in CATALOG:
        svc = next(iter(idc.services(type=stype)), None) or idc.create_service(
            name=name, type=stype, is_enabled=True)
        # RegionOne's only: a test may add an endpoint of its own in a region of its own.
        have = {ep.interface: ep for ep in idc.endpoints(service_id=svc.id)
                if ep.region_id == "RegionOne"}
        for iface in interfaces:
            ep = have.get(iface)
            if ep is None:
                idc.create_endpoint(service_id=svc.id, interface=iface, url=url,
                                    region_id="RegionOne")
            elif ep.url != url:
                idc.update_endpoint(ep, url=url)
    log("catalog ok: " + ", ".join(f"{t}" for _n, t, _u, _i in CATALOG))


# ---- readiness ------------------------------------------------------------------------------

def compute_ready(conn):
    def compute_up():
        return [s for s in conn.compute.services()
                if s.binary == "nova-compute" and s.state == "up" and s.status == "enabled"]

    def inventory():
        rps = conn.placement.get("/resource_providers?name=devcloud",
                                 microversion="1.14").json()["resource_providers"]
        if not rps:
            return None
        inv = conn.placement.get(f"/resource_providers/{rps[0]['uuid']}/inventories").json()
        return "VCPU" in inv["inventories"]

    logf = f"{ENV['LOGS']}/nova-compute.log"
    wait_for("nova-compute service", compute_up, 120, logf)
    wait_for("compute node inventory in placement", inventory, 120, logf)


def discover_hosts():
    out = subprocess.run(
        ["/usr/bin/python3", f"{ENV['DEBS_X']}/usr/bin/nova-manage", "--config-file",
         f"{ENV['ETC']}/nova/nova.conf", "cell_v2", "discover_hosts", "--verbose"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                                             "PYTHONPATH": ENV["PYLIB"]})
    if out.returncode != 0:
        sys.exit(f"fixtures: nova-manage cell_v2 discover_hosts failed:\n{out.stdout}{out.stderr}")
    log("discover_hosts: " + " ".join(l for l in out.stdout.splitlines() if l.strip())[:200])


def volume_ready(conn):
    def up():
        services = conn.block_storage.get("/os-services").json()["services"]
        return [s for s in services if s["binary"] == "cinder-volume" and s["state"] == "up"]

    wait_for("cinder-volume service", up, 120, f"{ENV['LOGS']}/cinder-volume.log")


# ---- image, flavors, networks, quotas -------------------------------------------------------

def ensure_image(conn):
    img = conn.image.find_image("tiny")
    if img is not None and img.status == "active":
        return
    if img is not None:
        conn.image.delete_image(img)
    body = {"name": "tiny", "disk_format": "raw", "container_format": "bare",
            "visibility": "public"}
    image = conn.image.post("/images", json=body).json()
    conn.image.put(f"/images/{image['id']}/file", data=b"\0" * (1 << 20),
                   headers={"Content-Type": "application/octet-stream"})
    wait_for("image tiny", lambda: conn.image.get_image(image["id"]).status == "active", 60,
             f"{ENV['LOGS']}/glance.log")
    log("image tiny created (1 MiB raw, public)")


def ensure_flavors(conn):
    for name, (vcpus, ram, disk) in FLAVORS.items():
        if conn.compute.find_flavor(name) is None:
            conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk,
                                       is_public=True)
            log(f"flavor {name} created")


def ensure_networks(conn, projects):
    net = conn.network
    public = net.find_network("public") or net.create_network(
        name="public", is_router_external=True, is_shared=True,
        provider_network_type="flat", provider_physical_network="public")
    if net.find_subnet("public-subnet", network_id=public.id) is None:
        net.create_subnet(network_id=public.id, name="public-subnet", ip_version=4,
                          cidr="172.24.4.0/24", gateway_ip="172.24.4.1",
                          is_dhcp_enabled=False,
                          allocation_pools=[{"start": "172.24.4.10", "end": "172.24.4.250"}])
    for pname, (_user, prefix) in PROJECTS.items():
        pid = projects[pname].id
        private = (net.find_network("private", project_id=pid)
                   or net.create_network(name="private", project_id=pid))
        subnet = (net.find_subnet("private-subnet", network_id=private.id)
                  or net.create_subnet(network_id=private.id, project_id=pid,
                                       name="private-subnet", ip_version=4,
                                       cidr=f"{prefix}.0/24", gateway_ip=f"{prefix}.1"))
        router = (net.find_router("router", project_id=pid)
                  or net.create_router(name="router", project_id=pid,
                                       external_gateway_info={"network_id": public.id}))
        ifaces = net.ports(device_id=router.id, device_owner="network:router_interface")
        if not any(ip["subnet_id"] == subnet.id for p in ifaces for ip in p.fixed_ips):
            net.add_interface_to_router(router, subnet_id=subnet.id)
    log("networks ok: public 172.24.4.0/24; private + router per project (alpha, beta)")


def ensure_quotas(conn, projects):
    for proj in projects.values():
        conn.set_compute_quotas(proj.id, **QUOTAS["compute"])
        conn.set_volume_quotas(proj.id, **QUOTAS["volume"])
        conn.set_network_quotas(proj.id, **QUOTAS["network"])
    log("quotas raised for alpha, beta")


# ---- proofs for the enamel service user -----------------------------------------------------

def verify_enamel():
    enamel = openstack.connect(cloud="enamel")
    alice_token = openstack.connect(cloud="alice").auth_token
    r = enamel.identity.get("/auth/tokens", headers={"X-Subject-Token": alice_token})
    if r.status_code != 200 or r.json()["token"]["user"]["name"] != "alice":
        sys.exit(f"fixtures: enamel cannot validate alice's token: {r.status_code} {r.text[:200]}")
    r = enamel.identity.get("/users", raise_exc=False)
    if r.status_code != 403:
        sys.exit(f"fixtures: enamel should not list users (admin-only) but got {r.status_code}")
    km = enamel.key_manager
    secret = km.create_secret(name="devcloud-fixture-check", payload="s3cr3t",
                              payload_content_type="text/plain", secret_type="opaque")
    secret_id = secret.id.rsplit("/", 1)[-1]
    try:
        payload = km.get_secret(secret_id).payload
        if payload != "s3cr3t":
            sys.exit(f"fixtures: barbican returned payload {payload!r}")
    finally:
        # By its uuid: given the resource (whose id is the secret's href), the SDK deleted nothing and
        # said nothing (ignore_missing), and every fixture run left a secret behind.
        km.delete_secret(secret_id, ignore_missing=False)
    log("enamel ok: validates alice's token, cannot list users, stores/reads/deletes a secret")
    carol_token = openstack.connect(cloud=READER[0]).auth_token
    r = enamel.identity.get("/auth/tokens", headers={"X-Subject-Token": carol_token})
    carol_roles = sorted(role["name"] for role in r.json()["token"]["roles"])
    if r.status_code != 200 or carol_roles != ["reader"]:
        sys.exit(f"fixtures: carol's token should carry exactly reader, not {carol_roles}")
    log("carol ok: her token carries exactly the reader role")


def main(mode):
    conn = openstack.connect(cloud="admin")
    if mode == "identity":
        ensure_identities(conn)
        ensure_catalog(conn)
        log("identity done")
        return
    compute_ready(conn)
    if mode == "full":
        discover_hosts()
    volume_ready(conn)
    if mode == "full":
        projects = {p: conn.identity.find_project(p, domain_id="default") for p in PROJECTS}
        ensure_image(conn)
        ensure_flavors(conn)
        ensure_networks(conn, projects)
        ensure_quotas(conn, projects)
        verify_enamel()
    log(f"{mode} done")


if __name__ == "__main__":
    main(sys.argv[1])
