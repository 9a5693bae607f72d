# shellcheck shell=bash
# The service table and process control: one pid file ("PID STARTTIME") and one config hash per
# service in $RUN, one log per service in $LOGS. Each service runs in its own session (setsid),
# so stopping it means stopping its whole process tree.

SERVICES="keystone placement glance neutron cinder-api cinder-scheduler cinder-volume
nova-api nova-conductor nova-scheduler nova-compute barbican heat-api heat-engine"

svc_port() {
  case $1 in
    keystone) echo 5000 ;; placement) echo 8778 ;; glance) echo 9292 ;; neutron) echo 9696 ;;
    cinder-api) echo 8776 ;; nova-api) echo 8774 ;; barbican) echo 9311 ;; heat-api) echo 8004 ;;
  esac
}

svc_group() { echo "${1%%-*}"; }   # nova-compute -> nova (db-sync unit)

# uwsgi_cmd NAME PORT WSGI_FILE PROCESSES THREADS
uwsgi_cmd() {
  # "Connection: close": keystoneauth reuses keep-alive connections, which uwsgi's
  # --http-socket drops -> ConnectionResetError in keystonemiddleware without it.
  CMD=(/usr/bin/uwsgi-core --plugin python3 --http-socket "127.0.0.1:$2" --wsgi-file "$3"
       --master --processes "$4" --threads "$5" --enable-threads --lazy-apps --die-on-term
       --need-app --buffer-size 65535 --add-header "Connection: close" --worker-reload-mercy 2
       --procname-prefix-spaced "devcloud-$1")
}

# svc_define NAME: sets CMD (argv), SVC_ENV (extra environment) and SVC_FILES (config files
# whose content, with CMD and SVC_ENV, makes the hash that decides a restart).
svc_define() {
  local name=$1 bin=$DEBS/x/usr/bin ep=("$PY" "$PYLIB/devcloud_ep.py" "$1")
  SVC_ENV=() SVC_FILES=()
  case $name in
    keystone)
      SVC_ENV=("OS_KEYSTONE_CONFIG_FILES=$ETC/keystone/keystone.conf")
      SVC_FILES=("$ETC/keystone/keystone.conf")
      uwsgi_cmd "$name" 5000 /usr/bin/keystone-wsgi-public 1 4 ;;
    placement)
      SVC_ENV=("OS_PLACEMENT_CONFIG_DIR=$ETC/placement")
      SVC_FILES=("$ETC/placement/placement.conf")
      uwsgi_cmd "$name" 8778 /usr/bin/placement-api 1 4 ;;
    glance)
      SVC_FILES=("$ETC/glance/glance-api.conf")
      CMD=("${ep[@]}" glance.cmd.api:main --config-file "${SVC_FILES[0]}") ;;
    neutron)
      SVC_FILES=("$ETC/neutron/neutron.conf" "$ETC/neutron/ml2_conf.ini" "$PYLIB/devcloud_ml2.py")
      CMD=("${ep[@]}" neutron.cmd.eventlet.server:main
           --config-file "${SVC_FILES[0]}" --config-file "${SVC_FILES[1]}") ;;
    cinder-api | cinder-scheduler | cinder-volume)
      SVC_FILES=("$ETC/cinder/cinder.conf")
      [ "$name" = cinder-volume ] && SVC_FILES+=("$PYLIB/devcloud_cinder.py")
      CMD=("${ep[@]}" "cinder.cmd.${name#cinder-}:main" --config-file "$ETC/cinder/cinder.conf") ;;
    nova-api)
      # nova's wsgi app takes the paste ini from the first of these files
      SVC_ENV=("OS_NOVA_CONFIG_FILES=$DEBS/x/usr/share/nova-common/api-paste.ini;$ETC/nova/nova.conf")
      SVC_FILES=("$ETC/nova/nova.conf")
      uwsgi_cmd "$name" 8774 "$bin/nova-api-wsgi" 2 1 ;;
    nova-conductor | nova-scheduler)
      SVC_FILES=("$ETC/nova/nova.conf")
      CMD=("${ep[@]}" "nova.cmd.${name#nova-}:main" --config-file "${SVC_FILES[0]}") ;;
    nova-compute)
      SVC_FILES=("$ETC/nova/nova-compute.conf")
      CMD=("${ep[@]}" nova.cmd.compute:main --config-file "${SVC_FILES[0]}") ;;
    barbican)
      # barbican parses ~/.barbican/barbican.conf at import time, whatever argv says
      SVC_ENV=("HOME=$DATA/barbican-home")
      SVC_FILES=("$ETC/barbican/barbican.conf" "$ETC/barbican/wsgi.py")
      uwsgi_cmd "$name" 9311 "$ETC/barbican/wsgi.py" 1 4 ;;
    heat-api | heat-engine)
      SVC_FILES=("$ETC/heat/heat.conf")
      CMD=("${ep[@]}" "heat.cmd.${name#heat-}:main" --config-file "${SVC_FILES[0]}") ;;
    *) die "unknown service $name" ;;
  esac
}

svc_hash() {
  svc_define "$1"
  { printf '%s\n' "${CMD[@]}" "${SVC_ENV[@]}"; cat "${SVC_FILES[@]}"; } | sha256sum | cut -c1-16
}

# proc_starttime PID: start time (clock ticks since boot) of a live process; empty for a zombie
proc_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }   # drop "pid (comm) ": comm may contain spaces
  # shellcheck disable=SC2086
  set -- $stat
  [ "$1" = Z ] || echo "${20}"
}

svc_pid() { # prints the pid when the recorded process is still the one we started
  local pid start
  [ -f "$RUN/$1.pid" ] || return 1
  read -r pid start <"$RUN/$1.pid" || return 1
  [ -n "$pid" ] && [ "$(proc_starttime "$pid")" = "$start" ] && echo "$pid"
}

svc_start() {
  local name=$1 pid
  svc_define "$name"
  (
    cd "$DATA" || exit 1
    exec setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$DATA/home" \
      PYTHONPATH="$PYLIB" "${SVC_ENV[@]}" "${CMD[@]}"
  ) >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &   # 9 = the state lock, must not be inherited
  pid=$!
  echo "$pid $(proc_starttime "$pid")" >"$RUN/$name.pid"
  svc_hash "$name" >"$RUN/$name.hash"
  log "started $name (pid $pid, log $LOGS/$name.log)"
}

# proc_tree PID...: the given pids, their descendants, and the members of their sessions whose
# command line says devcloud (orphans of a service whose main process died keep its session id)
proc_tree() {
  ps -e -o pid=,ppid=,sid=,args= | awk -v roots="$*" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
    { pid[NR] = $1; ppid[NR] = $2; sid[NR] = $3; ours[NR] = ($0 ~ /devcloud/) }
    END {
      do { grew = 0
        for (i = 1; i <= NR; i++)
          if (!(pid[i] in want) && (ppid[i] in want || (sid[i] in want && ours[i]))) {
            want[pid[i]] = 1; grew = 1
          }
      } while (grew)
      for (i = 1; i <= NR; i++) if (pid[i] in want) print pid[i]
    }'
}

# svc_stop NAME...: SIGTERM to each service's process tree (also when its main process is gone
# but workers linger), SIGKILL to whatever still runs after 10 s, then drop the pid files.
svc_stop() {
  local name pid start roots="" pids i
  for name in "$@"; do
    [ -f "$RUN/$name.pid" ] || continue
    read -r pid start <"$RUN/$name.pid" || continue
    # a live pid with another start time was reused by an unrelated process: leave it alone
    if [ ! -d "/proc/$pid" ] || [ "$(proc_starttime "$pid")" = "$start" ]; then roots+=" $pid"; fi
  done
  pids=""
  # shellcheck disable=SC2086
  [ -z "$roots" ] || pids=$(proc_tree $roots)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      pids=$(for p in $pids; do if [ -d "/proc/$p" ]; then echo "$p"; fi; done)
      [ -z "$pids" ] && break
      sleep 0.2
    done
    if [ -n "$pids" ]; then
      log "SIGKILL to $(wc -w <<<"$pids") process(es) that ignored SIGTERM for 10 s"
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
    fi
  fi
  for name in "$@"; do rm -f "$RUN/$name.pid" "$RUN/$name.hash"; done
}

# wait_apis SERVICE...: poll each API root URL until it answers HTTP (any status)
wait_apis() {
  local pending=() name port code t0 i
  for name in "$@"; do [ -n "$(svc_port "$name")" ] && pending+=("$name"); done
  t0=$(mono_ms)
  local round=0
  while [ ${#pending[@]} -gt 0 ]; do
    local still=()
    for name in "${pending[@]}"; do
      port=$(svc_port "$name")
      code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/" || true)
      if [ "$code" != "000" ]; then
        [ $round -gt 0 ] && log "$name answers on :$port after $(secs_since "$t0") s"
        continue
      fi
      svc_pid "$name" >/dev/null || die "$name died while starting; see $LOGS/$name.log"
      still+=("$name")
    done
    pending=("${still[@]}")
    [ ${#pending[@]} -eq 0 ] && break
    round=$((round + 1))
    (( $(mono_ms) - t0 > API_TIMEOUT * 1000 )) &&
      die "not answering after $API_TIMEOUT s: ${pending[*]}; see $(for i in "${pending[@]}"; do printf '%s ' "$LOGS/$i.log"; done)"
    sleep 0.5
  done
}

# rss_report: RSS per service summed over its process tree (shared pages counted per process)
rss_report() {
  local name pid pids kb total=0
  for name in $SERVICES; do
    pid=$(svc_pid "$name") || continue
    pids=$(proc_tree "$pid" | paste -sd,)
    kb=$(ps -o rss= -p "$pids" | awk '{s += $1} END {print s + 0}')
    total=$((total + kb))
    printf '%-18s procs=%-2s rss_mib=%s\n' "$name" "$(tr , '\n' <<<"$pids" | wc -l)" $((kb / 1024))
  done
  printf '%-18s          rss_mib=%s\n' total $((total / 1024))
}
