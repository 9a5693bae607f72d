# shellcheck shell=bash
# State dir layout, generated secrets, rendered configs and clouds.yaml.

prepare_state() {
  local d
  for d in "$ETC" "$RUN" "$LOGS" "$DATA/markers" "$DATA/home" "$DEBS" "$PYLIB" \
           "$DATA/barbican-home/.barbican" "$DATA/keystone" "$DATA/glance/images" \
           "$DATA/nova/instances" "$DATA/neutron" "$DATA/cinder"; do
    mkdir -p "$d"
  done
  chmod 700 "$STATE"
}

# Copy devcloud/pylib into the state dir (only files whose content changed).
sync_pylib() {
  local f rel
  while IFS= read -r -d '' f; do
    rel=${f#"$DEVCLOUD_HOME/pylib/"}
    cmp -s "$f" "$PYLIB/$rel" && continue
    mkdir -p "$(dirname "$PYLIB/$rel")"
    cp "$f" "$PYLIB/$rel"
  done < <(find "$DEVCLOUD_HOME/pylib" -type f ! -name '*.pyc' -print0)
}

render_configs() {
  [ -f "$DATA/barbican-kek" ] || (umask 077; head -c 32 /dev/urandom | base64 >"$DATA/barbican-kek")
  BARBICAN_KEK=$(cat "$DATA/barbican-kek") "$PY" "$DEVCLOUD_HOME/lib/render.py" \
    "$DEVCLOUD_HOME/templates" "$ETC" | while read -r f; do log "config changed: etc/$f"; done
  ln -sfn "$ETC/barbican/barbican.conf" "$DATA/barbican-home/.barbican/barbican.conf"
}

# clouds_yaml: one entry per identity (admin, alice, bob, carol, enamel)
clouds_yaml() {
  local ident user pass project
  echo "# Enamel dev cloud identities; written by devcloud/devcloud (see devcloud/README.md)"
  echo "clouds:"
  for ident in $IDENTITIES; do
    IFS=: read -r user pass project <<<"$ident"
    cat <<YAML
  $user:
    auth:
      auth_url: $KEYSTONE_URL
      username: $user
      password: $pass
      project_name: $project
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
YAML
  done
}

write_clouds_yaml() {
  local tmp=$STATE/clouds.yaml.tmp
  clouds_yaml >"$tmp"
  cmp -s "$tmp" "$STATE/clouds.yaml" && { rm -f "$tmp"; return 0; }
  mv "$tmp" "$STATE/clouds.yaml"
}

# env_exports IDENTITY: export OS_*=... lines for one identity
env_exports() {
  local ident user pass project
  for ident in $IDENTITIES; do
    IFS=: read -r user pass project <<<"$ident"
    [ "$user" = "$1" ] || continue
    cat <<SH
export OS_AUTH_URL=$KEYSTONE_URL
export OS_USERNAME=$user
export OS_PASSWORD=$pass
export OS_PROJECT_NAME=$project
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
export OS_IDENTITY_API_VERSION=3
SH
    return 0
  done
  die "unknown identity '$1' (known: $(for i in $IDENTITIES; do printf '%s ' "${i%%:*}"; done))"
}
