# shellcheck shell=bash
# One-time database setup per service group (schema migrations, keystone bootstrap, nova cells).
# A marker in $DATA/markers records success; `down --wipe` removes both databases and markers.

manage() { # NAME ARGS...: run an extracted *-manage console script with Debian's python
  local name=$1; shift
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$DATA/home" PYTHONPATH="$PYLIB" \
    "$PY" "$@" >>"$LOGS/dbsync-$name.log" 2>&1 ||
    die "db setup of $name failed: $*; see $LOGS/dbsync-$name.log"
}

dbsync_keystone() {
  local k=/usr/bin/keystone-manage c=(--config-file "$ETC/keystone/keystone.conf") url
  url=http://127.0.0.1:5000/v3/
  manage keystone $k "${c[@]}" db_sync
  manage keystone $k "${c[@]}" fernet_setup --keystone-user root --keystone-group root
  manage keystone $k "${c[@]}" credential_setup --keystone-user root --keystone-group root
  manage keystone $k "${c[@]}" bootstrap --bootstrap-password admin \
    --bootstrap-admin-url $url --bootstrap-internal-url $url --bootstrap-public-url $url \
    --bootstrap-region-id RegionOne
}

dbsync_nova() {
  local m=$DEBS/x/usr/bin/nova-manage c=(--config-file "$ETC/nova/nova.conf")
  manage nova "$m" "${c[@]}" api_db sync
  manage nova "$m" "${c[@]}" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
  "$PY" "$m" "${c[@]}" cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' ||
    manage nova "$m" "${c[@]}" cell_v2 create_cell --name cell1
  manage nova "$m" "${c[@]}" db sync
}

# dbsync GROUP: run the group's setup unless its marker says it was done
dbsync() {
  local group=$1 bin=$DEBS/x/usr/bin marker=$DATA/markers/dbsync-$1 t0
  [ -f "$marker" ] && return 0
  t0=$(mono_ms)
  case $group in
    keystone) dbsync_keystone ;;
    nova) dbsync_nova ;;
    glance) manage glance "$bin/glance-manage" --config-file "$ETC/glance/glance-api.conf" db_sync ;;
    placement) manage placement /usr/bin/placement-manage --config-file "$ETC/placement/placement.conf" db sync ;;
    neutron) manage neutron "$bin/neutron-db-manage" --config-file "$ETC/neutron/neutron.conf" \
               --config-file "$ETC/neutron/ml2_conf.ini" upgrade heads ;;
    cinder) manage cinder "$bin/cinder-manage" --config-file "$ETC/cinder/cinder.conf" db sync ;;
    heat) manage heat "$bin/heat-manage" --config-file "$ETC/heat/heat.conf" db_sync ;;
    barbican) ;;   # db_auto_create=true: barbican creates its tables when it starts
  esac
  touch "$marker"
  [ "$group" = barbican ] || log "db setup of $group done in $(secs_since "$t0") s"
}
