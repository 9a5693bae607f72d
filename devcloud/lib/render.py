"""Render devcloud/templates/** into <state>/etc/**.

Placeholders: {{NAME}} is replaced by the environment variable NAME (an unknown name is an
error); {{authtoken USER}} expands to a [keystone_authtoken] section for service user USER and
{{auth USER}} to the body of a password-auth section (for [placement], [neutron], [service_user]
...). A file is only rewritten when its content changes, so config hashes stay stable.
Usage: render.py TEMPLATE_DIR OUT_DIR
"""
import os
import re
import sys

KEYSTONE = "http://127.0.0.1:5000"


def auth(user):
    return "\n".join([
        "auth_type = password",
        f"auth_url = {KEYSTONE}/v3",
        "user_domain_name = Default",
        "project_domain_name = Default",
        "project_name = service",
        f"username = {user}",
        f"password = {os.environ['SERVICE_PASS']}",
        "region_name = RegionOne",
    ])


def authtoken(user):
    return "[keystone_authtoken]\n" + f"www_authenticate_uri = {KEYSTONE}\n" + auth(user)


def expand(match, path):
    words = match.group(1).split()
    if len(words) == 2 and words[0] in ("auth", "authtoken"):
        return {"auth": auth, "authtoken": authtoken}[words[0]](words[1])
    if len(words) == 1 and words[0] in os.environ:
        return os.environ[words[0]]
    sys.exit(f"render.py: {path}: unknown placeholder {match.group(0)}")


def main(src, dst):
    for root, _dirs, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(root, name)
            out = os.path.join(dst, os.path.relpath(path, src))
            with open(path) as f:
                text = re.sub(r"\{\{([^}]+)\}\}", lambda m: expand(m, path), f.read())
            try:
                with open(out) as f:
                    if f.read() == text:
                        continue
            except FileNotFoundError:
                os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out + ".tmp", "w") as f:
                f.write(text)
            os.chmod(out + ".tmp", 0o600)
            os.replace(out + ".tmp", out)
            print(os.path.relpath(out, dst))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
