# shellcheck shell=bash
# `devcloud up`: install, render, start what is not running (or whose config changed), wait for
# every API, then create fixtures. Re-running it when everything runs only checks and returns.

# The fixture markers hold a hash of fixtures.py, so editing it re-runs the fixture pass.
fixtures_stamp() { sha256sum "$LIB/fixtures.py" | cut -c1-16; }
fixtures_current() { [ "$(cat "$DATA/markers/fixtures-$1" 2>/dev/null)" = "$(fixtures_stamp)" ]; }

run_fixtures() { # MODE (identity | full | ready)
  log "fixtures ($1), log $LOGS/fixtures.log"
  "$PY" "$LIB/fixtures.py" "$1" 2> >(tee -a "$LOGS/fixtures.log" >&2) ||
    die "fixtures ($1) failed; see $LOGS/fixtures.log"
  [ "$1" = ready ] || fixtures_stamp >"$DATA/markers/fixtures-$1"
}

# nova-conductor and nova-scheduler exit at start when the placement user does not exist yet
wait_identity() {
  local i
  for ((i = 0; i < API_TIMEOUT * 2; i++)); do
    fixtures_current identity && return 0
    sleep 0.5
  done
  die "service users were not created within $API_TIMEOUT s; see $LOGS/fixtures.log"
}

# start_group GROUP: first-time db setup, then the group's services that are in TO_START
start_group() {
  local group=$1 name
  dbsync "$group"
  [ "$group" = nova ] && wait_identity
  for name in "${TO_START[@]}"; do
    [ "$(svc_group "$name")" = "$group" ] && svc_start "$name"
  done
  if [ "$group" = keystone ] && ! fixtures_current identity; then
    wait_apis keystone
    run_fixtures identity
  fi
  return 0
}

cmd_up() {
  need_root
  local t0 name restart=() groups=() group pids=() pid
  TO_START=()
  t0=$(mono_ms)
  lock_state
  prepare_state
  install_packages
  extract_common_debs
  sync_pylib
  export_env
  render_configs
  write_clouds_yaml
  ensure_mariadb
  ensure_rabbitmq

  # (Re)start what is not running, or runs with a config that changed since it started.
  for name in $SERVICES; do
    if svc_pid "$name" >/dev/null; then
      [ "$(svc_hash "$name")" = "$(cat "$RUN/$name.hash" 2>/dev/null)" ] && continue
      log "$name: config changed; restarting it"
      restart+=("$name")
    elif [ -f "$RUN/$name.pid" ]; then
      log "$name died; restarting it (log $LOGS/$name.log)"
      restart+=("$name")   # svc_stop also reaps workers its main process left behind
    fi
    TO_START+=("$name")
  done
  [ ${#restart[@]} -gt 0 ] && svc_stop "${restart[@]}"

  if [ ${#TO_START[@]} -gt 0 ]; then
    ensure_databases
    ensure_vhost
    if [[ " ${TO_START[*]} " != *" keystone "* ]] && ! fixtures_current identity; then
      run_fixtures identity
    fi
    # One background job per service group, so db setup and imports overlap.
    for name in "${TO_START[@]}"; do
      group=$(svc_group "$name")
      [[ " ${groups[*]} " == *" $group "* ]] || groups+=("$group")
    done
    for group in "${groups[@]}"; do
      start_group "$group" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do
      wait "$pid" && continue
      kill "${pids[@]}" 2>/dev/null || true
      die "starting services failed (see above); \`devcloud down\` stops what did start"
    done
  fi
  # shellcheck disable=SC2086
  wait_apis $SERVICES

  fixtures_current identity || run_fixtures identity
  if ! fixtures_current full; then
    run_fixtures full
  elif [ ${#TO_START[@]} -gt 0 ]; then
    run_fixtures ready
  fi
  if [ ${#TO_START[@]} -eq 0 ]; then
    log "already up: all services running, all APIs answering ($(secs_since "$t0") s)"
  else
    log "up: started ${#TO_START[@]} service(s) in $(secs_since "$t0") s; clouds: $STATE/clouds.yaml"
  fi
}
