# Shared by the README's commands and .ci/run: install what is missing, start what is not answering.
# Everything here is idempotent and quiet when there is nothing to do.

export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# Corepack's bundled npm signing keys lag behind the registry's; the lockfile's integrity hashes still
# pin every package, and packageManager pins pnpm's version.
export COREPACK_INTEGRITY_KEYS=0

log() { printf '\033[1m[enamel]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[enamel] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for_port() { # host port what seconds
  local i
  for ((i = 0; i < $4 * 5; i++)); do answers "$1" "$2" && return 0; sleep 0.2; done
  die "$3 is not answering on $1:$2 after $4 s"
}

apt_updated=""
apt_install() {
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get)"
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    die "apt-get install $* failed"
}

ensure_node_deps() {
  command -v corepack >/dev/null || die "corepack not found: Node 20 ships it; is Node 20 installed?"
  log "pnpm install (frozen lockfile)"
  corepack pnpm install --frozen-lockfile --reporter=append-only >/dev/null || die "pnpm install failed"
}

ensure_postgres() {
  answers 127.0.0.1 5432 && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    # A fresh server only trusts local sockets; give the postgres role the password the tests use.
    local version
    version=$(ls /etc/postgresql | head -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for_port 127.0.0.1 5432 PostgreSQL 30
    su postgres -c "psql -qc \"ALTER ROLE postgres PASSWORD 'postgres'\"" >/dev/null
    return 0
  fi
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  wait_for_port 127.0.0.1 5432 PostgreSQL 30
}

ensure_rabbitmq() {
  answers 127.0.0.1 5672 && return 0
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  log "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_for_port 127.0.0.1 5672 RabbitMQ 60
}

# Debian's Chromium: the timeline page's browser test drives it (playwright-core, /usr/bin/chromium).
ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# The hosts phase (test/hosts/): iptables makes its faults inside the test hosts, Debian's HAProxy stands in
# front of its API hosts.
ensure_iptables() {
  command -v iptables >/dev/null || apt_install iptables
}
ensure_haproxy() {
  command -v haproxy >/dev/null || apt_install haproxy
}

# What the tests, the soak and the benchmarks run against: Node packages, PostgreSQL, RabbitMQ and the
# dev cloud (a real OpenStack on loopback; installs Zed packages the first time).
ensure_everything() {
  ensure_node_deps
  ensure_postgres
  ensure_rabbitmq
  ensure_chromium
  log "dev cloud: devcloud/devcloud up"
  devcloud/devcloud up || die "the dev cloud did not come up (see devcloud/README.md and its logs)"
}

# Tests create their own databases through this URL (the database part is replaced).
export ENAMEL_DATABASE_URL="${ENAMEL_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
export ENAMEL_AMQP_URL="${ENAMEL_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}"

# Runs a command with PostgreSQL, RabbitMQ and the dev cloud pointed at a loopback port that refuses
# connections: every variable the code and the tests find them by (the database and AMQP URLs, OS_AUTH_URL,
# and a clouds.yaml, named by OS_CLIENT_CONFIG_FILE and OS_CLOUD, whose identities all authenticate there).
# A test that reached one of them fails, whether or not the real one is running.
without_services() {
  local port dir identity
  port=$(closed_port)
  dir=$(mktemp -d)
  {
    echo "clouds:"
    for identity in admin alice bob enamel; do
      printf '  %s:\n    auth:\n      auth_url: http://127.0.0.1:%s/v3\n' "$identity" "$port"
      printf '      username: %s\n      password: closed\n      project_name: closed\n' "$identity"
      printf '      user_domain_name: Default\n      project_domain_name: Default\n'
      printf '    region_name: RegionOne\n    interface: public\n'
    done
  } >"$dir/clouds.yaml"
  local rc=0
  ENAMEL_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$port/postgres" \
    ENAMEL_AMQP_URL="amqp://guest:guest@127.0.0.1:$port" \
    OS_AUTH_URL="http://127.0.0.1:$port/v3" \
    OS_CLIENT_CONFIG_FILE="$dir/clouds.yaml" \
    OS_CLOUD=enamel \
    "$@" || rc=$?
  rm -rf "$dir"
  return "$rc"
}

# A loopback port nothing listens on (the first of a few that need root to open and are rarely used).
closed_port() {
  local port
  for port in 9 7 1 13 19; do
    answers 127.0.0.1 "$port" || { echo "$port"; return 0; }
  done
  die "no closed port on 127.0.0.1 to point the services at"
}
