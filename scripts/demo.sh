#!/usr/bin/env bash
# The main job from a fresh clone on Debian 12 with Node 20: installs what it needs, starts the dev cloud
# (a real OpenStack on loopback), then runs Enamel in embedded mode (API and worker in one process on
# PGlite and an in-process broker: no PostgreSQL or RabbitMQ of Enamel's own) and creates two servers
# through POST /servers, live. `--keep` keeps the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

ensure_node_deps
# Another cloud: OS_CLOUD (a cloud of clouds.yaml) or OS_AUTH_URL and the other OS_* variables name
# Enamel's user there, who is also the demo's user unless DEMO_USER etc. are set (README, Quick start).
if [ -z "${OS_AUTH_URL:-}" ] && [ -z "${OS_CLOUD:-}" ]; then
  # The dev cloud's own services use the machine's RabbitMQ (Enamel does not).
  ensure_rabbitmq
  log "dev cloud: devcloud/devcloud up"
  devcloud/devcloud up || die "the dev cloud did not come up (see devcloud/README.md)"
  # Enamel's service user on the dev cloud (it validates tokens and keeps users' keys in Barbican).
  eval "$(devcloud/devcloud env enamel)"
  # The demo acts as the dev cloud's user alice.
  export DEMO_USER="${DEMO_USER:-alice}" DEMO_PASSWORD="${DEMO_PASSWORD:-alice}" DEMO_PROJECT="${DEMO_PROJECT:-alpha}"
fi

# The demo's tasks, checkpoints and keys' references, kept between runs (delete the directory to start afresh).
export ENAMEL_DATA_DIR="${ENAMEL_DATA_DIR:-.enamel/demo}"
corepack pnpm --silent demo "$@"
