#!/usr/bin/env bash
# cluster-services.sh start|stop|status - local services for avqa-downloader's multi-host mode and tests:
#   * Apache ActiveMQ Classic (Debian package `activemq`): OpenWire on tcp://127.0.0.1:61616, no auth
#   * PostgreSQL 15 (Debian package `postgresql`) on 127.0.0.1:5432: role avqa, password avqa, database avqa
# For Debian 12 without systemd (containers, CI): installs missing packages with apt-get and starts
# the daemons directly. Ports can be changed with AVQA_BROKER_PORT and AVQA_PG_PORT.
set -euo pipefail
if [[ ${1:-} =~ ^(start|stop)$ && $(id -u) != 0 ]]; then exec sudo -E "$0" "$@"; fi
cd /
BROKER_PORT=${AVQA_BROKER_PORT:-61616}
PG_PORT=${AVQA_PG_PORT:-5432}
PG_VER=15
PG_LOG=/var/log/postgresql/postgresql-$PG_VER-main.log
AMQ_BASE=/var/lib/activemq/main        # broker instance: KahaDB in data/, generated config in conf/
AMQ_LOG=$AMQ_BASE/data/activemq.log
AMQ_PID=/run/activemq/main.pid
DEADLINE=60

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
# An OpenWire broker greets each new connection with a WireFormatInfo carrying the magic "ActiveMQ".
openwire_ok() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; head -c 64 <&3" 2>/dev/null | grep -qa ActiveMQ; }
fail() { echo "ERROR: $1" >&2; [ -f "$2" ] && { echo "--- last lines of $2:" >&2; tail -n 30 "$2" >&2; }; exit 1; }
alive() { ps -o stat= "$@" 2>/dev/null | grep -q '^[^Z]'; }  # ps -p PID / -s SID; zombies count as dead
amq_pid() { local p; p=$(cat "$AMQ_PID" 2>/dev/null) && alive -p "$p" && echo "$p"; }
pg_running() { pg_ctlcluster "$PG_VER" main status >/dev/null 2>&1; }
psql_admin() { runuser -u postgres -- psql -p "$PG_PORT" -XqAt -v ON_ERROR_STOP=1 "$@"; }
wait_for() {  # name port log alive-check: poll until the port accepts connections
  local end=$((SECONDS + DEADLINE))
  until port_open "$2"; do
    ((SECONDS < end)) || fail "$1 not listening on 127.0.0.1:$2 after ${DEADLINE}s" "$3"
    "$4" >/dev/null || fail "$1 process exited during startup" "$3"
    sleep 1
  done
}
amq_alive() { alive -p "${AMQ_STARTED:-$(amq_pid)}"; }

apt_get() {  # waits for the dpkg lock; retries a few times if apt's lists lock is busy
  local i; for i in 1 2 3 4 5 6; do
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@" && return 0
    echo "apt-get $1 failed (apt busy?); retry $i in 20 s" >&2; sleep 20
  done; return 1
}
install_missing() {
  local p missing=()
  for p in activemq postgresql; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "Installing: ${missing[*]}"
  apt_get update -qq && apt_get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed" /dev/null
}

start_pg() {
  local port
  port=$(pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VER" '$1==v && $2=="main" {print $3}')
  if [ -z "$port" ]; then pg_createcluster -p "$PG_PORT" "$PG_VER" main >/dev/null
  elif [ "$port" != "$PG_PORT" ]; then pg_conftool "$PG_VER" main set port "$PG_PORT"; stop_pg; fi
  # a server killed a moment ago may still look alive (its pid file, a dying process): keep trying
  local end=$((SECONDS + DEADLINE))
  until port_open "$PG_PORT"; do
    ((SECONDS < end)) || fail "PostgreSQL $PG_VER not listening on 127.0.0.1:$PG_PORT after ${DEADLINE}s" "$PG_LOG"
    pg_running || pg_ctlcluster "$PG_VER" main start >/dev/null 2>&1 || true
    sleep 1
  done
  psql_admin -c "DO \$\$ BEGIN
      IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'avqa') THEN ALTER ROLE avqa LOGIN PASSWORD 'avqa';
      ELSE CREATE ROLE avqa LOGIN PASSWORD 'avqa'; END IF; END \$\$;" || fail "could not create role avqa" "$PG_LOG"
  [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'avqa'")" = 1 ] ||
    psql_admin -c "CREATE DATABASE avqa OWNER avqa" || fail "could not create database avqa" "$PG_LOG"
  echo "PostgreSQL $PG_VER ready on 127.0.0.1:$PG_PORT (database avqa, user avqa, password avqa)"
}
start_broker() {
  grep -qs "tcp://127.0.0.1:$BROKER_PORT\"" "$AMQ_BASE/conf/activemq.xml" || [ -z "$(amq_pid)" ] || stop_broker  # port changed
  if [ -z "$(amq_pid)" ]; then
    install -d -o activemq -g activemq "$AMQ_BASE" "$AMQ_BASE/data" "$AMQ_BASE/tmp" "$AMQ_BASE/conf" /run/activemq
    # Debian's instance config, with our port; Debian's log4j2.properties is ignored (the broker uses log4j 1.2).
    sed "s#tcp://127.0.0.1:61616#tcp://127.0.0.1:$BROKER_PORT#" /etc/activemq/instances-available/main/activemq.xml \
      > "$AMQ_BASE/conf/activemq.xml"
    printf '%s\n' 'log4j.rootLogger=INFO, out' 'log4j.logger.org.springframework=WARN' 'log4j.logger.org.apache.xbean=WARN' \
      'log4j.appender.out=org.apache.log4j.ConsoleAppender' 'log4j.appender.out.layout=org.apache.log4j.PatternLayout' \
      'log4j.appender.out.layout.ConversionPattern=%d | %-5p | %m | %c | %t%n' > "$AMQ_BASE/conf/log4j.properties"
    echo "=== $(date -Is) starting broker" >> "$AMQ_LOG"
    # Debian's wrapper (/usr/bin/activemq) in "console" mode, as user activemq, in its own session;
    # it writes its pid to $AMQ_PID and runs java as its child. Heap: 64 MB initial, 512 MB max.
    INSTANCE=main ACTIVEMQ_BASE="$AMQ_BASE" ACTIVEMQ_CONF="$AMQ_BASE/conf" ACTIVEMQ_DATA="$AMQ_BASE/data" \
      ACTIVEMQ_PIDFILE="$AMQ_PID" ACTIVEMQ_USER=activemq \
      ACTIVEMQ_DEBUG_OPTS="-Xms64m -Xmx512m -Dlog4j.configuration=file:$AMQ_BASE/conf/log4j.properties" \
      setsid setpriv --reuid=activemq --regid=activemq --init-groups \
      /usr/bin/activemq console xbean:activemq.xml </dev/null >>"$AMQ_LOG" 2>&1 &
    AMQ_STARTED=$!   # setsid and setpriv exec, so this is the wrapper's pid
  fi
  wait_for "ActiveMQ" "$BROKER_PORT" "$AMQ_LOG" amq_alive
  openwire_ok "$BROKER_PORT" || fail "port $BROKER_PORT is open but does not speak OpenWire" "$AMQ_LOG"
  echo "ActiveMQ $(dpkg-query -W -f='${Version}' activemq) ready on tcp://127.0.0.1:$BROKER_PORT (OpenWire, no auth)"
}

stop_broker() {
  local p i
  if p=$(amq_pid); then
    kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p"   # pid leads the broker's own session (setsid): sh + java
    for i in $(seq 30); do alive -s "$p" || break; sleep 1; done
    ! alive -s "$p" || kill -KILL -- "-$p"
    echo "ActiveMQ stopped"
  else echo "ActiveMQ was not running (per $AMQ_PID)"; fi
  rm -f "$AMQ_PID"
}
stop_pg() {
  if command -v pg_ctlcluster >/dev/null && pg_running; then
    pg_ctlcluster "$PG_VER" main stop -m fast && echo "PostgreSQL stopped"
  else echo "PostgreSQL was not running"; fi
}

report() {  # name check port
  if "$2" "$3"; then echo "$1: reachable on 127.0.0.1:$3"; else echo "$1: NOT reachable on 127.0.0.1:$3"; return 1; fi
}
status() { local rc=0; report ActiveMQ openwire_ok "$BROKER_PORT" || rc=1; report PostgreSQL port_open "$PG_PORT" || rc=1; return $rc; }

case "${1:-}" in
  start) install_missing; start_pg; start_broker ;;
  stop) stop_broker; stop_pg ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
