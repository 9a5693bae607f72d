#!/usr/bin/env bash
# The main job from a fresh clone on Debian 12 with Node 20: installs what it needs, starts PostgreSQL,
# RabbitMQ and the dev cloud (a real OpenStack on loopback), then runs Enamel's API and a worker in one
# process and creates two servers through POST /servers, live. `--keep` keeps the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_node_deps
ensure_postgres
ensure_rabbitmq
if [ -z "${OS_AUTH_URL:-}" ]; then
  log "dev cloud: devcloud/devcloud up"
  devcloud/devcloud up || die "the dev cloud did not come up (see devcloud/README.md)"
  # Enamel's service user on the dev cloud (it validates tokens and keeps users' keys in Barbican).
  eval "$(devcloud/devcloud env enamel)"
fi

export PGPASSWORD="${PGPASSWORD:-postgres}"
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'enamel_demo'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE enamel_demo" || die "cannot create the enamel_demo database"
fi
export ENAMEL_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/enamel_demo"
export ENAMEL_AMQP_NAMESPACE="${ENAMEL_AMQP_NAMESPACE:-enamel-demo}"
corepack pnpm --silent demo "$@"
