# shellcheck shell=bash disable=SC2034  # (variables are used by the other lib/*.sh)
# Shared paths, dev credentials and helpers. Sourced by ../devcloud; never run directly.

DEVCLOUD_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${DEVCLOUD_STATE_DIR:-/var/lib/enamel-devcloud}
ETC=$STATE/etc          # rendered configs (re-rendered by every `up`)
RUN=$STATE/run          # pid files and config hashes of running services
LOGS=$STATE/log         # one log per service, plus db-sync and fixture logs
DATA=$STATE/data        # fernet keys, images, locks, markers (kept by `down`)
DEBS=$STATE/debs        # downloaded and extracted *-common packages
PYLIB=$STATE/pylib      # copy of ../pylib: a running cloud must not depend on the checkout
PY=/usr/bin/python3     # Debian's python (the OpenStack packages live there), not pyenv's
TOKEN_EXPIRATION=${DEVCLOUD_TOKEN_EXPIRATION:-3600}
API_TIMEOUT=${DEVCLOUD_API_TIMEOUT:-240}
KEYSTONE_URL=http://127.0.0.1:5000/v3

# Fixed dev credentials (README.md lists them).
DB_USER=devcloud DB_PASS=devcloud DB_PREFIX=devcloud_
RMQ_USER=devcloud RMQ_PASS=devcloud RMQ_VHOST=openstack
SERVICE_PASS=devcloud-service   # nova, neutron, glance, cinder, placement, barbican, heat users
DATABASES="keystone glance placement neutron cinder nova_api nova nova_cell0 barbican heat"
# identity = keystone user = clouds.yaml entry: user:password:project
IDENTITIES="admin:admin:admin alice:alice:alpha bob:bob:beta carol:carol:alpha enamel:enamel:service"

log() { printf '%s devcloud: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# port_open PORT: something accepts TCP on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mono_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local d=$(( $(mono_ms) - $1 )); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }

db_url() { echo "mysql+pymysql://$DB_USER:$DB_PASS@127.0.0.1/$DB_PREFIX$1"; }

# Environment for the Python helpers (render.py, fixtures.py, check.py).
export_env() {
  export STATE ETC LOGS DATA PYLIB SERVICE_PASS TOKEN_EXPIRATION IDENTITIES KEYSTONE_URL
  export DEBS_X=$DEBS/x DB="mysql+pymysql://$DB_USER:$DB_PASS@127.0.0.1/$DB_PREFIX"
  export RABBIT="rabbit://$RMQ_USER:$RMQ_PASS@127.0.0.1:5672/$RMQ_VHOST"
  export OS_CLIENT_CONFIG_FILE=$STATE/clouds.yaml
}
