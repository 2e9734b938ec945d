#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on a local socket and print its URL.
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
ROOT=${PG_ROOT:-/tmp/parvandeh-pg}
PORT=${PG_PORT:-55432}
if [ ! -f "$ROOT/data/PG_VERSION" ]; then
  rm -rf "$ROOT"; mkdir -p "$ROOT"; chown postgres "$ROOT"
  su postgres -c "$BIN/initdb -D $ROOT/data -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! su postgres -c "$BIN/pg_ctl -D $ROOT/data status" >/dev/null 2>&1; then
  su postgres -c "$BIN/pg_ctl -D $ROOT/data -o '-p $PORT -k $ROOT -c listen_addresses=' -l $ROOT/log -w start" >/dev/null
fi
su postgres -c "psql -h $ROOT -p $PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='parvandeh_test'\"" | grep -q 1 \
  || su postgres -c "createdb -h $ROOT -p $PORT -U postgres parvandeh_test"
echo "postgresql+psycopg://postgres@/parvandeh_test?host=$ROOT&port=$PORT"
