#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster and a Redis server on loopback for the tests, and export
# ATLAS_TEST_DATABASE_URL and ATLAS_TEST_REDIS_URL. Source it:  . .ci/services.sh
# Stop them with:  atlas_services_stop   (also run on exit by .ci/run)
# Each run gets its own data folder and free ports, so a system PostgreSQL or Redis is never touched.

ATLAS_SERVICES_DIR="$(mktemp -d /tmp/atlas-services.XXXXXX)"
chmod 755 "$ATLAS_SERVICES_DIR"
export ATLAS_SERVICES_DIR

_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

_pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -n "$_pg_bin" ] && [ -x "$_pg_bin/initdb" ]; then
  _pg_port="$(_free_port)"
  _pg_data="$ATLAS_SERVICES_DIR/pg"
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$_pg_data" && chown postgres:postgres "$_pg_data"
    _pg() { su postgres -s /bin/sh -c "$*"; }
  else
    _pg() { sh -c "$*"; }
  fi
  _pg "'$_pg_bin/initdb' -D '$_pg_data' -U atlas --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  _pg "'$_pg_bin/pg_ctl' -D '$_pg_data' -l '$_pg_data/log' -w -t 60 \
      -o \"-p $_pg_port -k '$_pg_data' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
  _pg "'$_pg_bin/createdb' -h 127.0.0.1 -p $_pg_port -U atlas atlas_test"
  export ATLAS_TEST_DATABASE_URL="postgresql+psycopg://atlas@127.0.0.1:$_pg_port/atlas_test"
  ATLAS_PG_STOP="'$_pg_bin/pg_ctl' -D '$_pg_data' -m fast -w stop"
else
  echo "PostgreSQL is not installed: the PostgreSQL tests will be skipped" >&2
  ATLAS_PG_STOP=""
fi

if command -v redis-server >/dev/null 2>&1; then
  _redis_port="$(_free_port)"
  redis-server --port "$_redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --maxmemory 256mb --maxmemory-policy noeviction \
    --dir "$ATLAS_SERVICES_DIR" --daemonize yes --pidfile "$ATLAS_SERVICES_DIR/redis.pid" \
    --logfile "$ATLAS_SERVICES_DIR/redis.log" >/dev/null
  for _ in $(seq 50); do
    redis-cli -p "$_redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export ATLAS_TEST_REDIS_URL="redis://127.0.0.1:$_redis_port/0"
else
  echo "redis-server is not installed: the Redis tests will be skipped" >&2
fi

atlas_services_stop() {
  if [ -n "${ATLAS_PG_STOP:-}" ]; then
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$ATLAS_PG_STOP" >/dev/null 2>&1 || true
    else sh -c "$ATLAS_PG_STOP" >/dev/null 2>&1 || true; fi
  fi
  if [ -f "$ATLAS_SERVICES_DIR/redis.pid" ]; then kill "$(cat "$ATLAS_SERVICES_DIR/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$ATLAS_SERVICES_DIR"
}
