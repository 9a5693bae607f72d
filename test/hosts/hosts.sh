#!/usr/bin/env bash
# Enamel's test hosts: network namespaces on a bridge, the forwarders that reach the machine's PostgreSQL,
# RabbitMQ and dev cloud from them, HAProxy in front of the API hosts, and the faults made with iptables.
#
#   hosts.sh up                          build everything (after `down`)
#   hosts.sh down                        remove everything `up` made, and every process left in a namespace;
#                                        idempotent, also after a failed or killed run
#   hosts.sh cut NS TARGET...            drop NS's traffic (both ways) to TARGETs: postgres, rabbitmq,
#                                        cloud, all (everything on its veth), or replies (an API host's answers
#                                        to HAProxy: requests still arrive and are carried out)
#   hosts.sh heal NS                     remove every cut and loss of NS
#   hosts.sh loss NS TARGET PERCENT      drop PERCENT % of NS's packets to and from TARGET, at random
#   hosts.sh delay TARGET MS [NS...]     hold every chunk between the NSs and TARGET (postgres, rabbitmq,
#                                        cloud) MS milliseconds each way, in the root forwarder; `delay
#                                        TARGET 0` (or no NS) ends it. Replaces the delay in force.
#   hosts.sh exec NS COMMAND...          run a command on a host
#
# The kernel of the test machines has no sch_netem, so there is no `tc netem`: loss is iptables' statistic
# match (real drops by the kernel) and delay is added by forward.mjs on the path to the service.
#
# Hosts (namespaces, named PREFIX-NAME): api1 .11, api2 .12, w1 .21, w2 .22, w3 .23 on NET.0/24. The bridge
# PREFIXbr0 is NET.1, and holds the services' addresses: NET.2 PostgreSQL, NET.3 RabbitMQ, NET.4 the cloud,
# each forwarded to 127.0.0.1 on the same port. In each namespace 127.0.0.1:<cloud port> is forwarded to
# NET.4 (the Keystone catalog's URLs are 127.0.0.1's), and the requests seen are logged in
# DIR/NS.requests.jsonl. HAProxy listens on 127.0.0.1:HAPROXY_PORT (stats at STATS_PORT/stats).
#
# Settings (environment): ENAMEL_HOSTS_PREFIX (en), ENAMEL_HOSTS_NET (10.77.0), ENAMEL_HOSTS_DIR
# (/tmp/enamel-hosts-PREFIX), ENAMEL_HOSTS_HAPROXY_PORT (8790), ENAMEL_HOSTS_STATS_PORT (8791). Two runs at
# once need their own prefix and net.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

prefix=${ENAMEL_HOSTS_PREFIX:-en}
net=${ENAMEL_HOSTS_NET:-10.77.0}
dir=${ENAMEL_HOSTS_DIR:-/tmp/enamel-hosts-$prefix}
haproxy_port=${ENAMEL_HOSTS_HAPROXY_PORT:-8790}
stats_port=${ENAMEL_HOSTS_STATS_PORT:-8791}
bridge=${prefix}br0
hosts=(api1 api2 w1 w2 w3)
declare -A octet=([api1]=11 [api2]=12 [w1]=21 [w2]=22 [w3]=23)
cloud_ports=(5000 8774 9696 8776 9292 9311 8778 8004)
[ ${#prefix} -le 10 ] || { echo "ENAMEL_HOSTS_PREFIX: at most 10 characters (interface names)" >&2; exit 2; }

fail() { echo "hosts.sh: $*" >&2; exit 1; }
ns_of() { # a host's name (w1) or its namespace's (en-w1) → the namespace
  local name=${1#"$prefix"-}
  [ -n "${octet[$name]:-}" ] || fail "no host $1 (hosts: ${hosts[*]})"
  echo "$prefix-$name"
}
ip_of() { echo "$net.${octet[${1#"$prefix"-}]}"; }
address_of() { # target → the service address on the bridge
  case $1 in
    postgres) echo "$net.2" ;;
    rabbitmq) echo "$net.3" ;;
    cloud) echo "$net.4" ;;
    *) fail "no target $1 (postgres, rabbitmq, cloud, all, replies)" ;;
  esac
}
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # [ns] host port
  local i
  for ((i = 0; i < 100; i++)); do
    if [ $# -eq 3 ]; then ip netns exec "$1" bash -c "(exec 3<>/dev/tcp/$2/$3) 2>/dev/null" && return 0
    else answers "$1" "$2" && return 0; fi
    sleep 0.1
  done
  fail "nothing answers on $* after 10 s"
}
# A process that outlives this script, its output in DIR/NAME.log, its pid in DIR/NAME.pid.
daemon() { # name command...
  local name=$1
  shift
  setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

up() {
  down
  mkdir -p "$dir"
  ip link add "$bridge" type bridge
  ip addr add "$net.1/24" dev "$bridge"
  for service in 2 3 4; do ip addr add "$net.$service/32" dev "$bridge"; done
  ip link set "$bridge" up
  local host ns forwards port
  for host in "${hosts[@]}"; do
    ns=$prefix-$host
    ip netns add "$ns"
    ip link add "$ns" type veth peer name eth0 netns "$ns"
    ip link set "$ns" master "$bridge" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(ip_of "$host")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$net.1"
    forwards=()
    for port in "${cloud_ports[@]}"; do forwards+=("127.0.0.1:$port=$net.4:$port"); done
    : >"$dir/$ns.requests.jsonl"
    daemon "$ns.forward" ip netns exec "$ns" node "$here/forward.mjs" --log "$dir/$ns.requests.jsonl" "${forwards[@]}"
  done
  forwards=("$net.2:5432=127.0.0.1:5432" "$net.3:5672=127.0.0.1:5672")
  for port in "${cloud_ports[@]}"; do forwards+=("$net.4:$port=127.0.0.1:$port"); done
  : >"$dir/delay.json"
  daemon forward node "$here/forward.mjs" --control "$dir/delay.json" "${forwards[@]}"
  HOSTS_DIR=$dir HOSTS_HAPROXY_PORT=$haproxy_port HOSTS_STATS_PORT=$stats_port \
    HOSTS_API1=$(ip_of api1) HOSTS_API2=$(ip_of api2) \
    haproxy -q -D -f "$here/haproxy.cfg" -p "$dir/haproxy.pid"
  wait_port "$net.2" 5432
  wait_port "$net.3" 5672
  for port in "${cloud_ports[@]}"; do wait_port "$net.4" "$port"; done
  for host in "${hosts[@]}"; do wait_port "$prefix-$host" 127.0.0.1 5000; done
  wait_port 127.0.0.1 "$haproxy_port"
}

down() {
  local host ns name
  for host in "${hosts[@]}"; do
    ns=$prefix-$host
    if [ -e "/run/netns/$ns" ]; then
      # Every process on the host (its forwarder, and any API or worker a test left behind).
      ip netns pids "$ns" | xargs -r kill -9 2>/dev/null || true
      ip netns del "$ns"
    fi
    ip link del "$ns" 2>/dev/null || true
  done
  for name in forward haproxy; do
    if [ -f "$dir/$name.pid" ]; then kill -9 "$(cat "$dir/$name.pid")" 2>/dev/null || true; fi
  done
  ip link del "$bridge" 2>/dev/null || true
  rm -rf "$dir"
}

rules() { # ns -A|-D action target → iptables rules both ways
  local ns=$1 op=$2 target=$3
  shift 3
  local -a match=("$@")
  case $target in
    all)
      ip netns exec "$ns" iptables "$op" OUTPUT -o eth0 "${match[@]}"
      ip netns exec "$ns" iptables "$op" INPUT -i eth0 "${match[@]}"
      ;;
    replies)
      # The API's TCP segments to HAProxy after the handshake: HAProxy's connection is made, the request
      # arrives and is carried out (the database is reached), its answer never comes back.
      ip netns exec "$ns" iptables "$op" OUTPUT -o eth0 -d "$net.1" -p tcp --sport 8780 ! --tcp-flags SYN SYN "${match[@]}"
      ;;
    *)
      local address
      address=$(address_of "$target")
      ip netns exec "$ns" iptables "$op" OUTPUT -d "$address" "${match[@]}"
      ip netns exec "$ns" iptables "$op" INPUT -s "$address" "${match[@]}"
      ;;
  esac
}

cut() {
  local ns
  ns=$(ns_of "$1")
  shift
  [ $# -gt 0 ] || fail "cut NS TARGET..."
  for target in "$@"; do rules "$ns" -A "$target" -j DROP; done
}

heal() {
  local ns
  ns=$(ns_of "$1")
  ip netns exec "$ns" iptables -F INPUT
  ip netns exec "$ns" iptables -F OUTPUT
}

loss() {
  [ $# -eq 3 ] || fail "loss NS TARGET PERCENT"
  local ns probability
  ns=$(ns_of "$1")
  probability=$(awk -v p="$3" 'BEGIN { if (p <= 0 || p > 100) exit 1; printf "%.4f", p / 100 }') ||
    fail "PERCENT: more than 0, at most 100"
  rules "$ns" -A "$2" -m statistic --mode random --probability "$probability" -j DROP
}

delay() {
  [ $# -ge 2 ] || fail "delay TARGET MS [NS...]"
  local target=$1 ms=$2 ports from=() json
  shift 2
  case $target in
    postgres) ports=(5432) ;;
    rabbitmq) ports=(5672) ;;
    cloud) ports=("${cloud_ports[@]}") ;;
    *) fail "delay: no target $target (postgres, rabbitmq, cloud)" ;;
  esac
  for ns in "$@"; do from+=("\"$(ip_of "$(ns_of "$ns")")\""); done
  json='{"delays": ['
  if [ "$ms" -gt 0 ] && [ ${#from[@]} -gt 0 ]; then
    local sep="" port
    for port in "${ports[@]}"; do
      json+="$sep{\"port\": $port, \"from\": [$(IFS=,; echo "${from[*]}")], \"ms\": $ms}"
      sep=", "
    done
  fi
  json+=']}'
  echo "$json" >"$dir/delay.json.new"
  mv "$dir/delay.json.new" "$dir/delay.json"
}

command=${1:-}
[ $# -gt 0 ] && shift
case $command in
  up) up ;;
  down) down ;;
  cut) cut "$@" ;;
  heal) heal "$@" ;;
  loss) loss "$@" ;;
  delay) delay "$@" ;;
  exec)
    ns=$(ns_of "$1")
    shift
    exec ip netns exec "$ns" "$@"
    ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
