#!/usr/bin/env bash
# A private PostgreSQL 15 server for the tests (issue #13): installed with apt if missing, initialised in a new
# folder, started as the postgres user (it refuses to run as root) on a private port and socket folder, with a login
# role that authenticates by password over TCP (SCRAM), so tests can also check what a wrong password says.
#   tools/postgres-test-server.sh start [PORT (default 55432)]   prints the connection string on stdout
#   tools/postgres-test-server.sh stop FOLDER
# Checked on Debian 12 (2026-12-02): apt install 6 s, initdb + start about 2 s; Npgsql 10.0.3 connects, and a wrong
# password fails with 28P01 without the password in the message.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
case "${1:-}" in
  start)
    port=${2:-55432}
    [ -x "$bin/pg_ctl" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
    dir=$(mktemp -d /tmp/persiststore-pg.XXXXXX)
    chown postgres "$dir"
    su postgres -s /bin/sh -c "$bin/initdb -D '$dir/data' -U postgres --auth-local=trust --auth-host=scram-sha-256 >'$dir/initdb.log' 2>&1"
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1\" -l '$dir/server.log' -w start >/dev/null"
    su postgres -s /bin/sh -c "psql -q -h '$dir' -p $port -U postgres -c \"CREATE ROLE persiststore LOGIN PASSWORD 'test-secret' CREATEDB\" -c 'CREATE DATABASE persiststore OWNER persiststore'"
    echo "Host=127.0.0.1;Port=$port;Username=persiststore;Password=test-secret;Database=persiststore;ServerFolder=$dir"
    ;;
  stop)
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$2/data' -m fast -w stop >/dev/null"
    rm -rf "$2"
    ;;
  *) echo "usage: $0 start [PORT] | stop FOLDER" >&2; exit 2 ;;
esac
