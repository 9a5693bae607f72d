# shellcheck shell=bash
# The machine's MariaDB and RabbitMQ: start them if they are down, create (and drop) our
# databases, DB user, RabbitMQ vhost and user. We never run second servers.

mysql_root() { mariadb --protocol=tcp -h127.0.0.1 -uroot "$@"; }

wait_port() { # PORT SECONDS WHAT
  local i
  for ((i = 0; i < $2 * 5; i++)); do port_open "$1" && return 0; sleep 0.2; done
  die "$3 is not answering on 127.0.0.1:$1 after $2 s"
}

ensure_mariadb() {
  port_open 3306 && return 0
  log "MariaDB is not answering; starting the machine's mariadbd"
  install -d -o mysql -g mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306 60 MariaDB
}

ensure_rabbitmq() {
  port_open 5672 && return 0
  log "RabbitMQ is not answering; starting the machine's rabbitmq-server"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_port 5672 90 RabbitMQ
}

ensure_databases() {
  local db sql=""
  for db in $DATABASES; do
    sql+="CREATE DATABASE IF NOT EXISTS $DB_PREFIX$db CHARACTER SET utf8;"
  done
  for host in 127.0.0.1 localhost; do
    sql+="CREATE USER IF NOT EXISTS '$DB_USER'@'$host' IDENTIFIED BY '$DB_PASS';"
    sql+="GRANT ALL PRIVILEGES ON \`${DB_PREFIX//_/\\_}%\`.* TO '$DB_USER'@'$host';"
  done
  mysql_root -e "$sql" || die "could not create databases in MariaDB (root@127.0.0.1)"
}

ensure_vhost() {
  local out
  out=$(rabbitmqctl -q list_vhosts 2>/dev/null) || die "rabbitmqctl list_vhosts failed"
  grep -qx "$RMQ_VHOST" <<<"$out" || rabbitmqctl -q add_vhost "$RMQ_VHOST" >/dev/null
  out=$(rabbitmqctl -q list_users 2>/dev/null)
  grep -q "^${RMQ_USER}[[:space:]]" <<<"$out" ||
    rabbitmqctl -q add_user "$RMQ_USER" "$RMQ_PASS" >/dev/null
  rabbitmqctl -q set_permissions -p "$RMQ_VHOST" "$RMQ_USER" '.*' '.*' '.*' >/dev/null
}

drop_backing() {
  local db sql=""
  if port_open 3306; then
    for db in $DATABASES; do sql+="DROP DATABASE IF EXISTS $DB_PREFIX$db;"; done
    sql+="DROP USER IF EXISTS '$DB_USER'@'127.0.0.1'; DROP USER IF EXISTS '$DB_USER'@'localhost';"
    mysql_root -e "$sql" && log "dropped databases ${DB_PREFIX}* and DB user $DB_USER"
  fi
  if port_open 5672; then
    rabbitmqctl -q delete_vhost "$RMQ_VHOST" >/dev/null 2>&1 || true
    rabbitmqctl -q delete_user "$RMQ_USER" >/dev/null 2>&1 || true
    log "deleted RabbitMQ vhost $RMQ_VHOST and user $RMQ_USER"
  fi
}
