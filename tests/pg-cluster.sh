#!/bin/sh
# A PostgreSQL server of a test's own, in a directory of its own, for the
# tests that need more than tests/pg-run.sh's one throwaway server (a hot
# standby beside its primary).  It listens on a socket in its directory
# only (no TCP port), trusting local connections.
#
#   pg-cluster.sh primary DIR        a new cluster in DIR, started
#   pg-cluster.sh standby DIR FROM   a hot standby of the primary in FROM
#   pg-cluster.sh sync DIR FROM      waits until DIR has replayed FROM's WAL
#   pg-cluster.sh stop DIR           stops it (the caller removes DIR)
#
# A connection: "host=DIR dbname=NAME".  As root, the server runs as the
# postgres user (initdb refuses root), which must be able to reach DIR:
# make it under /tmp, not a 0700 home.
set -eu
bin=$(pg_config --bindir)
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$1"
	else
		sh -c "$1"
	fi
}
start() {
	as_owner "'$bin/pg_ctl' -D '$1/data' -l '$1/log' -w -t 60 start" >/dev/null
}
case ${1-} in
primary)
	mkdir -p "$2"
	[ "$(id -u)" = 0 ] && chown postgres "$2"
	as_owner "'$bin/initdb' -D '$2/data' -A trust -U postgres" >/dev/null
	cat >>"$2/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$2'
wal_level = replica
fsync = off
CONF
	echo "local replication all trust" >>"$2/data/pg_hba.conf"
	start "$2"
	;;
standby)
	mkdir -p "$2"
	[ "$(id -u)" = 0 ] && chown postgres "$2"
	as_owner "'$bin/pg_basebackup' -h '$3' -U postgres -D '$2/data' -R" \
	    >/dev/null
	sed -i "s|^unix_socket_directories = .*|unix_socket_directories = '$2'|" \
	    "$2/data/postgresql.conf"
	echo "hot_standby = on" >>"$2/data/postgresql.conf"
	start "$2"
	;;
sync)
	lsn=$(psql -XAtq "host=$3 dbname=postgres user=postgres" \
	    -c "SELECT pg_current_wal_lsn()")
	i=0
	until [ "$(psql -XAtq "host=$2 dbname=postgres user=postgres" -c \
	    "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ]; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || { echo "pg-cluster.sh: $2 never caught up" >&2; exit 1; }
		sleep 0.1
	done
	;;
stop)
	[ -d "$2/data" ] && as_owner "'$bin/pg_ctl' -D '$2/data' -m fast -w stop" \
	    >/dev/null || true
	;;
*)
	echo "usage: pg-cluster.sh primary|standby|sync|stop DIR [FROM]" >&2
	exit 64
	;;
esac
