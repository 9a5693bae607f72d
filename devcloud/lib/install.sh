# shellcheck shell=bash
# Debian packages: installs what is missing, extracts the *-common packages privately.

PACKAGES="python3-keystone python3-glance python3-placement python3-neutron python3-cinder
python3-nova python3-barbican python3-heat python3-openstackclient python3-openstacksdk
uwsgi-core uwsgi-plugin-python3"
# *-common packages hold the paste inis and wsgi scripts; we unpack them, never install them
# (installing would pull dbconfig-common, create system users and try to start services).
COMMON_DEBS="glance-common nova-common neutron-common cinder-common barbican-common heat-common"

missing_packages() {
  local p wanted=$PACKAGES
  [ -x /usr/sbin/mariadbd ] || wanted+=" mariadb-server"
  [ -x /usr/sbin/rabbitmq-server ] || wanted+=" rabbitmq-server"
  for p in $wanted; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

install_packages() {
  local missing t0
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  t0=$(mono_ms)
  log "installing: $(echo "$missing" | tr '\n' ' ')"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
    >"$LOGS/apt-install.log" 2>&1 || die "apt-get install failed, see $LOGS/apt-install.log"
  log "packages installed in $(( ($(mono_ms) - t0) / 1000 )) s"
}

extract_common_debs() {
  local pkg deb
  [ -f "$DEBS/.done" ] && return 0
  mkdir -p "$DEBS/dl" "$DEBS/x"
  for pkg in $COMMON_DEBS; do
    ls "$DEBS/dl/${pkg}"_*.deb >/dev/null 2>&1 && continue
    (cd "$DEBS/dl" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
      apt-get update -qq && (cd "$DEBS/dl" && apt-get download -q "$pkg" >/dev/null)
    } || die "apt-get download $pkg failed"
  done
  for deb in "$DEBS"/dl/*.deb; do dpkg-deb -x "$deb" "$DEBS/x"; done
  touch "$DEBS/.done"
}
